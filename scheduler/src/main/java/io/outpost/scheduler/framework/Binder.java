package io.outpost.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Assigns a pod to a node in the API: {@code POST pods/<name>/binding} with the pod's uid as
 * precondition. Called on a binding thread; may block on I/O.
 */
public interface Binder {

    /**
     * @return {@link Status#SUCCESS}, or an {@link Code#ERROR} status whose reason the
     *         FailedScheduling event will carry (the pod is then re-queued)
     */
    Status bind(Pod pod, String nodeName);
}
