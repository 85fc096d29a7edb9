package io.outpost.scheduler.framework;

import java.util.Map;

/** Runs when no node passed the filters: may make room (preemption) and nominate a node. */
public interface PostFilterPlugin extends Plugin {

    /**
     * @param nodeStatuses the rejecting status of every node that did not fit, by node name
     * @param status what happened; its reasons are appended to the FailedScheduling message
     * @param nominatedNode the node the pod should get once room is made, or null
     */
    record Result(Status status, String nominatedNode) {
    }

    Result postFilter(CycleState state, PodInfo pod, Snapshot snapshot, Map<String, Status> nodeStatuses);
}
