package io.outpost.scheduler.framework;

import java.util.List;

/** Runs once per pod over the feasible nodes, before Score: computes what Score needs. */
public interface PreScorePlugin extends Plugin {

    /** {@link Status#SKIP} means this plugin's Score is not run for this pod. */
    Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, Snapshot snapshot);
}
