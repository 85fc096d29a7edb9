package io.outpost.scheduler.framework;

/** What a plugin's answer does to the pod being scheduled (kube's framework {@code Code}). */
public enum Code {
    /** The plugin has no objection: the next plugin runs, the pod goes on. */
    SUCCESS,
    /**
     * Something broke inside the scheduler (not the pod's fault): the cycle ends, the pod is
     * re-queued with back-off and a FailedScheduling event says what broke.
     */
    ERROR,
    /**
     * The pod does not fit this node now, but evicting lower-priority pods from it could make it
     * fit: preemption may consider the node.
     */
    UNSCHEDULABLE,
    /**
     * The pod does not fit this node and no preemption can change that (a label, a taint, a
     * node name): preemption skips the node.
     */
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    /**
     * From PreFilter or PreScore: this plugin has nothing to say about the pod, so its Filter or
     * Score is not run for this cycle.
     */
    SKIP;

    public boolean rejects() {
        return this == UNSCHEDULABLE || this == UNSCHEDULABLE_AND_UNRESOLVABLE;
    }
}
