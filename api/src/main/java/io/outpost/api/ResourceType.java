package io.outpost.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the API server knows about one resource of one group version: its names, scope,
 * verbs and subresources (what discovery shows) and the storage key of its objects.
 *
 * @param kind         group, version and kind of its objects
 * @param plural       the resource name in URLs ({@code pods})
 * @param singular     {@code pod}
 * @param scope        namespaced or cluster-scoped
 * @param shortNames   {@code po}
 * @param categories   {@code all} for the kinds {@code kubectl get all} shows
 * @param verbs        the verbs served on the resource, as discovery lists them
 * @param subresources the subresources served
 * @param stored       true if objects are kept in the store (CRUD); false for virtual resources such
 *                     as {@code selfsubjectaccessreviews}, whose {@code create} only computes an answer
 */
public record ResourceType(GroupVersionKind kind, String plural, String singular, Scope scope,
                           List<String> shortNames, List<String> categories, List<String> verbs,
                           List<Subresource> subresources, boolean stored) {

    public ResourceType {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plural, "plural");
        Objects.requireNonNull(singular, "singular");
        Objects.requireNonNull(scope, "scope");
        shortNames = List.copyOf(shortNames);
        categories = List.copyOf(categories);
        verbs = List.copyOf(verbs);
        subresources = List.copyOf(subresources);
    }

    /** A stored resource (the common case). */
    public ResourceType(GroupVersionKind kind, String plural, String singular, Scope scope,
                        List<String> shortNames, List<String> categories, List<String> verbs,
                        List<Subresource> subresources) {
        this(kind, plural, singular, scope, shortNames, categories, verbs, subresources, true);
    }

    public boolean namespaced() {
        return scope == Scope.NAMESPACED;
    }

    public Optional<Subresource> subresource(String name) {
        return subresources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * The store key prefix of every object of this resource, across versions of the group:
     * {@code /registry/<group>/<plural>/} with {@code core} for the core group.
     */
    public String keyPrefix() {
        return "/registry/" + (kind.group().isEmpty() ? "core" : kind.group()) + "/" + plural + "/";
    }

    /** The prefix of the objects in one namespace (the whole resource if cluster-scoped). */
    public String keyPrefix(String namespace) {
        return namespaced() && namespace != null && !namespace.isEmpty() ? keyPrefix() + namespace + "/" : keyPrefix();
    }

    /** The store key of one object: {@code /registry/core/pods/default/web-0}, {@code /registry/core/nodes/n1}. */
    public String key(String namespace, String name) {
        return namespaced() ? keyPrefix() + namespace + "/" + name : keyPrefix() + name;
    }
}
