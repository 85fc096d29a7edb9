package io.outpost.api;

/** Whether objects of a resource live in a namespace or in the cluster. */
public enum Scope {
    NAMESPACED, CLUSTER;

    /** The word discovery uses: {@code Namespaced} or {@code Cluster}. */
    public String discoveryName() {
        return this == NAMESPACED ? "Namespaced" : "Cluster";
    }
}
