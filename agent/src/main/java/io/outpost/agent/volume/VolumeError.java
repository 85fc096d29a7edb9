package io.outpost.agent.volume;

/** A volume cannot be set up (kubelet's {@code FailedMount}): the pod stays {@code ContainerCreating}. */
public final class VolumeError extends Exception {

    public VolumeError(String message) {
        super(message);
    }
}
