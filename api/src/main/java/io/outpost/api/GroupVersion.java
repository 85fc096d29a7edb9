package io.outpost.api;

import java.util.Objects;

/** An API group and version; the core group is the empty string. */
public record GroupVersion(String group, String version) {

    public GroupVersion {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
    }

    /** {@code v1} for the core group, {@code apps/v1} otherwise: discovery's {@code groupVersion}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public boolean core() {
        return group.isEmpty();
    }

    public static GroupVersion of(GroupVersionKind kind) {
        return new GroupVersion(kind.group(), kind.version());
    }
}
