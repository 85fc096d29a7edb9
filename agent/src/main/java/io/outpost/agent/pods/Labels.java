package io.outpost.agent.pods;

/** The labels the agent puts on sandboxes and containers to find them again (kubelet's {@code io.kubernetes.*}). */
final class Labels {

    static final String POD_UID = "io.kubernetes.pod.uid";
    static final String POD_NAME = "io.kubernetes.pod.name";
    static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    static final String CONTAINER_NAME = "io.kubernetes.container.name";
    /** The container spec's hash: a changed spec (a new image) restarts the container. */
    static final String CONTAINER_HASH = "io.kubernetes.container.hash";

    private Labels() {
    }
}
