package io.outpost.scheduler;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Records an Event about a pod ({@code Scheduled}, {@code FailedScheduling}), as kube-scheduler
 * does, for {@code kubectl describe pod}. Called on the scheduling and binding threads: must not
 * block for long (the fabric8 adapter hands the write to its own thread).
 */
public interface EventRecorder {

    /** @param type "Normal" or "Warning" */
    void record(Pod pod, String type, String reason, String message);
}
