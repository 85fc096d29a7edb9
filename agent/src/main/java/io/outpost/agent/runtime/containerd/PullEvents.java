package io.outpost.agent.runtime.containerd;

import java.time.Duration;

/**
 * What kubelet's image manager reports while it makes a container's image present ({@code
 * pkg/kubelet/images/image_manager.go EnsureImageExists}): the image was already there, a pull
 * starts, a pull finished (how long it took and the image's size, from CRI {@code ImageStatus}).
 * A failed pull is not reported here: it is the {@code ErrImagePull} {@link
 * io.outpost.agent.runtime.RuntimeFailure} the caller turns into kubelet's {@code Failed} event.
 *
 * <p>Thread model: called on the thread that asked for the image (the pod's worker).
 */
public interface PullEvents {

    /** Reports nothing: for callers with no pod to record events on. */
    PullEvents NONE = new PullEvents() {
    };

    /** The image is present and the policy does not ask for a pull. */
    default void alreadyPresent(String image) {
    }

    default void pulling(String image) {
    }

    /** @param sizeBytes the image's size as containerd reports it, 0 if unknown */
    default void pulled(String image, Duration took, long sizeBytes) {
    }
}
