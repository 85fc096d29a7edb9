package io.outpost.api;

import java.util.Objects;

/** A kind in an API group and version; the core group is the empty string. */
public record GroupVersionKind(String group, String version, String kind) {

    public GroupVersionKind {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
    }

    /** {@code v1} for the core group, {@code apps/v1} otherwise: the {@code apiVersion} field. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }
}
