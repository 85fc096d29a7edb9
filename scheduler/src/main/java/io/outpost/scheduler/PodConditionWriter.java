package io.outpost.scheduler;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Sets a pod's {@code PodScheduled} condition to False when it could not be scheduled, as
 * kube-scheduler does (reason {@code Unschedulable} when no node fits, {@code SchedulerError}
 * when the scheduler failed), so that {@code kubectl describe pod} and controllers see why it is
 * Pending. The scheduler calls it only when the condition would change. Called on the scheduling
 * and binding threads: must not block for long.
 */
public interface PodConditionWriter {

    PodConditionWriter NONE = (pod, reason, message) -> {
    };

    void notScheduled(Pod pod, String reason, String message);
}
