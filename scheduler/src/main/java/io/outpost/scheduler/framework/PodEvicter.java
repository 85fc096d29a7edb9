package io.outpost.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * What preemption does in the API (kube's {@code preemption.Evaluator} side effects): deletes a
 * victim to make room for a higher-priority pod, and records the node the preemptor is to get in
 * its {@code status.nominatedNodeName}. Called on the scheduling thread: implementations hand the
 * writes to threads of their own and return at once.
 */
public interface PodEvicter {

    /** Does nothing: for tests and benchmarks that only look at the decision. */
    PodEvicter NONE = new PodEvicter() {
        @Override
        public void evict(Pod victim, Pod preemptor, String nodeName) {
        }

        @Override
        public void nominate(Pod pod, String nodeName) {
        }
    };

    /** Deletes {@code victim}, preempted on {@code nodeName} by {@code preemptor}. */
    void evict(Pod victim, Pod preemptor, String nodeName);

    /** Sets {@code pod}'s {@code status.nominatedNodeName}. */
    void nominate(Pod pod, String nodeName);
}
