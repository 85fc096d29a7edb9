package io.outpost.scheduler.framework;

/**
 * Binds the pod to the node. {@link Status#SKIP} passes the pod to the next bind plugin; the
 * first other answer ends binding. Runs on the pod's binding thread, off the scheduling thread.
 */
public interface BindPlugin extends Plugin {

    Status bind(CycleState state, PodInfo pod, String nodeName);
}
