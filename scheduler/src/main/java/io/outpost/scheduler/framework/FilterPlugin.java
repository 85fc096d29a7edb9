package io.outpost.scheduler.framework;

/** Decides whether the pod may run on one node. Must be cheap: it runs for every node considered. */
public interface FilterPlugin extends Plugin {

    Status filter(CycleState state, PodInfo pod, NodeInfo node);
}
