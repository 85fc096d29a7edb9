package io.outpost.scheduler.framework;

/**
 * Told when the pod is assumed on a node (before binding), and told again (Unreserve) if the
 * binding then fails, so that it can undo what it reserved. Unreserve must be idempotent.
 */
public interface ReservePlugin extends Plugin {

    Status reserve(CycleState state, PodInfo pod, String nodeName);

    void unreserve(CycleState state, PodInfo pod, String nodeName);
}
