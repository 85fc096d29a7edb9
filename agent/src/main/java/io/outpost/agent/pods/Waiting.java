package io.outpost.agent.pods;

/** Why a container is not running, as its {@code state.waiting} shows it. */
record Waiting(String reason, String message) {

    static final String CONTAINER_CREATING = "ContainerCreating";
    static final String POD_INITIALIZING = "PodInitializing";
    static final String CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";
    /** kubelet's {@code ErrImagePullBackOff}: a failed pull waits out its back-off. */
    static final String IMAGE_PULL_BACK_OFF = "ImagePullBackOff";
}
