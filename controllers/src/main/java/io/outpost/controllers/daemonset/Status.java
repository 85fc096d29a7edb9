package io.outpost.controllers.daemonset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.outpost.controllers.common.History;
import io.outpost.controllers.common.Pods;

/**
 * A DaemonSet's status from its nodes and pods (kube's {@code updateDaemonSetStatus}): per node
 * that should run the daemon, whether it has a pod (current), whether that pod is ready, available
 * and of the current revision (updated); nodes that should not run it but do are misscheduled.
 * The pod looked at on a node with several is the oldest, as kube sorts them: during a surge the
 * old pod keeps its node ready and not yet updated until it goes.
 */
final class Status {

    private Status() {
    }

    /** @param observed whether this sync acted on the DaemonSet's generation (else the old observedGeneration stays) */
    static DaemonSetStatus calculate(DaemonSet ds, List<Node> nodes, Map<String, List<Pod>> podsByNode, String hash,
                                     Instant now, boolean observed) {
        int minReady = NodePlan.minReadySeconds(ds);
        int desired = 0;
        int current = 0;
        int ready = 0;
        int available = 0;
        int updated = 0;
        int misscheduled = 0;
        for (Node node : nodes) {
            boolean shouldRun = Eligibility.of(node, ds).shouldRun();
            List<Pod> pods = podsByNode.getOrDefault(node.getMetadata().getName(), List.of());
            boolean scheduled = !pods.isEmpty();
            if (!shouldRun) {
                if (scheduled) {
                    misscheduled++;
                }
                continue;
            }
            desired++;
            if (!scheduled) {
                continue;
            }
            current++;
            List<Pod> sorted = new ArrayList<>(pods);
            sorted.sort(NodePlan.OLDEST_SCHEDULED_FIRST);
            Pod pod = sorted.get(0);
            if (Pods.isReady(pod)) {
                ready++;
                if (Pods.isAvailable(pod, minReady, now)) {
                    available++;
                }
            }
            if (hash != null && hash.equals(NodePlan.label(pod, History.HASH_LABEL))) {
                updated++;
            }
        }
        Integer collisions = ds.getStatus() == null ? null : ds.getStatus().getCollisionCount();
        return new DaemonSetStatusBuilder().withDesiredNumberScheduled(desired).withCurrentNumberScheduled(current)
                .withNumberReady(ready).withNumberAvailable(available).withNumberUnavailable(desired - available)
                .withUpdatedNumberScheduled(updated).withNumberMisscheduled(misscheduled)
                .withObservedGeneration(observed || ds.getStatus() == null ? ds.getMetadata().getGeneration()
                        : ds.getStatus().getObservedGeneration())
                .withCollisionCount(collisions)
                .withConditions(ds.getStatus() == null ? null : ds.getStatus().getConditions()).build();
    }
}
