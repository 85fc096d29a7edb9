package io.outpost.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * The resources the API server serves, looked up by URL ({@code group, version, plural}), by
 * kind, or by the names kubectl accepts ({@code po}, {@code pod}, {@code deployments.apps}).
 *
 * <p>An explicit registry (kubernetes {@code framework/runtime/registry.go}): built in one place,
 * {@link BuiltInResources}, and it refuses a duplicate instead of letting the later entry win.
 * Order is registration order, which is the order discovery lists groups in; kubectl resolves
 * an ambiguous short name ({@code ev}: core and {@code events.k8s.io}) to the first group that
 * has it, so the core group comes first, as in kube-apiserver.
 *
 * <p>Thread model: immutable once built; share it freely between threads.
 */
public final class ResourceTypes {

    private final Map<Key, ResourceType> byResource;
    private final Map<GroupVersionKind, ResourceType> byKind;
    private final Map<GroupVersion, List<ResourceType>> byGroupVersion;

    private ResourceTypes(Builder builder) {
        this.byResource = Map.copyOf(builder.byResource);
        this.byKind = Map.copyOf(builder.byKind);
        Map<GroupVersion, List<ResourceType>> gvs = new LinkedHashMap<>();
        for (ResourceType type : builder.byResource.values()) {
            gvs.computeIfAbsent(GroupVersion.of(type.kind()), gv -> new ArrayList<>()).add(type);
        }
        Map<GroupVersion, List<ResourceType>> frozen = new LinkedHashMap<>();
        gvs.forEach((gv, types) -> frozen.put(gv, List.copyOf(types)));
        this.byGroupVersion = Collections.unmodifiableMap(frozen);
    }

    /** Every built-in resource of Kubernetes that Outpost serves. */
    public static ResourceTypes builtIns() {
        return BuiltInResources.register(builder()).build();
    }

    /**
     * These resources and {@code more} after them (custom resources after the built-ins, as
     * kube-apiserver lists CRD groups after its own).
     *
     * @throws IllegalArgumentException as {@link Builder#add} on a clash
     */
    public ResourceTypes plus(Iterable<ResourceType> more) {
        Builder b = builder();
        all().forEach(b::add);
        more.forEach(b::add);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The resource a URL names: {@code ("apps", "v1", "deployments")}. */
    public Optional<ResourceType> lookup(String group, String version, String plural) {
        return Optional.ofNullable(byResource.get(new Key(group, version, plural)));
    }

    /** The resource whose objects have this kind: what a decoded body's apiVersion and kind name. */
    public Optional<ResourceType> byKind(GroupVersionKind kind) {
        return Optional.ofNullable(byKind.get(kind));
    }

    /** The group versions served, core first, in discovery order. */
    public List<GroupVersion> groupVersions() {
        return List.copyOf(byGroupVersion.keySet());
    }

    /** Whether a group version is served. */
    public boolean serves(GroupVersion groupVersion) {
        return byGroupVersion.containsKey(groupVersion);
    }

    /** The resources of one group version, in registration order; empty if it is not served. */
    public List<ResourceType> groupVersion(GroupVersion groupVersion) {
        return byGroupVersion.getOrDefault(groupVersion, List.of());
    }

    /** The named groups served (not the core group), in discovery order. */
    public List<String> groups() {
        SequencedSet<String> groups = new LinkedHashSet<>();
        byGroupVersion.keySet().stream().filter(gv -> !gv.core()).forEach(gv -> groups.add(gv.group()));
        return List.copyOf(groups);
    }

    /** The versions served of one group, preferred first; empty if the group is not served. */
    public List<String> versions(String group) {
        return byGroupVersion.keySet().stream().filter(gv -> gv.group().equals(group)).map(GroupVersion::version).toList();
    }

    /** Every resource, in discovery order. */
    public List<ResourceType> all() {
        return byGroupVersion.values().stream().flatMap(List::stream).toList();
    }

    /**
     * The resources a kubectl-style name means: a plural, singular, short name or kind (any
     * case), optionally qualified as {@code name.group} or {@code name.version.group}. Several
     * may match ({@code events}, {@code ev}); the first is the one kubectl picks.
     */
    public List<ResourceType> resolve(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        List<ResourceType> matches = new ArrayList<>();
        for (ResourceType type : all()) {
            GroupVersionKind kind = type.kind();
            String group = kind.group();
            for (String candidate : names(type)) {
                if (wanted.equals(candidate)
                        || !group.isEmpty() && wanted.equals(candidate + "." + group)
                        || !group.isEmpty() && wanted.equals(candidate + "." + kind.version() + "." + group)) {
                    matches.add(type);
                    break;
                }
            }
        }
        return List.copyOf(matches);
    }

    private static List<String> names(ResourceType type) {
        List<String> names = new ArrayList<>(List.of(type.plural(), type.singular(), type.kind().kind().toLowerCase(Locale.ROOT)));
        names.addAll(type.shortNames());
        return names;
    }

    private record Key(String group, String version, String plural) {
    }

    /** Collects resources; {@link #add} refuses a duplicate. Not thread-safe: use from one thread. */
    public static final class Builder {
        private final Map<Key, ResourceType> byResource = new LinkedHashMap<>();
        private final Map<GroupVersionKind, ResourceType> byKind = new LinkedHashMap<>();
        private final Map<String, ResourceType> shortNames = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds one resource.
         *
         * @throws IllegalArgumentException if its plural is already served in its group version,
         *                                  another resource of the group version has its kind, or
         *                                  another resource of its group (not another version of the
         *                                  same resource) has one of its short names
         */
        public Builder add(ResourceType type) {
            Objects.requireNonNull(type, "type");
            GroupVersionKind kind = type.kind();
            Key key = new Key(kind.group(), kind.version(), type.plural());
            if (byResource.containsKey(key)) {
                throw new IllegalArgumentException("resource " + type.plural() + " of " + kind.apiVersion() + " is registered twice");
            }
            if (byKind.containsKey(kind)) {
                throw new IllegalArgumentException("kind " + kind.kind() + " of " + kind.apiVersion() + " is served by both "
                        + byKind.get(kind).plural() + " and " + type.plural());
            }
            for (String shortName : type.shortNames()) {
                ResourceType other = shortNames.get(kind.group() + "/" + shortName);
                if (other != null && !other.plural().equals(type.plural())) { // versions of one resource share them
                    throw new IllegalArgumentException("short name " + shortName + " is used by both " + other.plural()
                            + " and " + type.plural() + " in group \"" + kind.group() + "\"");
                }
            }
            byResource.put(key, type);
            byKind.put(kind, type);
            type.shortNames().forEach(s -> shortNames.put(kind.group() + "/" + s, type));
            return this;
        }

        public ResourceTypes build() {
            return new ResourceTypes(this);
        }
    }
}
