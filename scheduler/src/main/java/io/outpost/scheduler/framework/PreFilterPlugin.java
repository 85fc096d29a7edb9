package io.outpost.scheduler.framework;

/** Runs once per pod before any node is filtered: computes what Filter needs, or rejects early. */
public interface PreFilterPlugin extends Plugin {

    /**
     * {@link Status#SKIP} means this plugin's Filter has nothing to check for this pod; a rejection
     * rejects every node with the same reasons.
     */
    Status preFilter(CycleState state, PodInfo pod, Snapshot snapshot);
}
