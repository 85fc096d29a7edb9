package io.outpost.controllers.replicaset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.controllers.common.Pods;

/**
 * Which pods a ReplicaSet deletes first when it scales down (kube's {@code ActivePodsWithRanks}
 * and {@code getPodsToDelete}): the ones it costs least to lose, in this order:
 * unscheduled before scheduled; Pending before Unknown before Running; not ready before ready;
 * on a node crowded with related pods before on a node with few; lower
 * {@code controller.kubernetes.io/pod-deletion-cost} first; ready more recently first; more
 * container restarts first; created more recently first.
 */
final class DeletionRanking {

    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    private DeletionRanking() {
    }

    /**
     * The first {@code count} of {@code pods} to delete.
     *
     * @param related pods of every ReplicaSet of the same owner (or just these pods): how crowded a node is
     */
    static List<Pod> podsToDelete(List<Pod> pods, List<Pod> related, int count) {
        if (count >= pods.size()) {
            return List.copyOf(pods);
        }
        Map<String, Integer> perNode = new HashMap<>();
        for (Pod p : related) {
            String node = nodeName(p);
            if (!node.isEmpty() && Pods.isActive(p)) {
                perNode.merge(node, 1, Integer::sum);
            }
        }
        List<Pod> sorted = new ArrayList<>(pods);
        sorted.sort(order(perNode));
        return List.copyOf(sorted.subList(0, count));
    }

    static Comparator<Pod> order(Map<String, Integer> perNode) {
        return Comparator.<Pod>comparingInt(p -> nodeName(p).isEmpty() ? 0 : 1)
                .thenComparingInt(DeletionRanking::phaseRank)
                .thenComparingInt(p -> Pods.isReady(p) ? 1 : 0)
                .thenComparing(Comparator.<Pod>comparingInt(p -> perNode.getOrDefault(nodeName(p), 0)).reversed())
                .thenComparingLong(DeletionRanking::deletionCost)
                .thenComparing(Comparator.comparing(DeletionRanking::readySince, Comparator.nullsFirst(Comparator.naturalOrder())).reversed())
                .thenComparing(Comparator.comparingInt(DeletionRanking::restarts).reversed())
                .thenComparing(Comparator.comparing(DeletionRanking::created, Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
    }

    private static String nodeName(Pod p) {
        return p.getSpec() == null || p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName();
    }

    private static int phaseRank(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if (phase == null || "Pending".equals(phase)) {
            return 0;
        }
        return "Unknown".equals(phase) ? 1 : 2;
    }

    private static long deletionCost(Pod p) {
        var annotations = p.getMetadata().getAnnotations();
        String cost = annotations == null ? null : annotations.get(DELETION_COST);
        if (cost == null) {
            return 0;
        }
        try {
            return Integer.parseInt(cost.trim());
        } catch (NumberFormatException e) {
            return 0; // the API server validates it; an unparsable one counts as the default
        }
    }

    private static Instant readySince(Pod p) {
        if (!Pods.isReady(p)) {
            return null;
        }
        String t = Pods.readyCondition(p).map(c -> c.getLastTransitionTime()).orElse(null);
        return t == null || t.isEmpty() ? null : Instant.parse(t);
    }

    private static int restarts(Pod p) {
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return 0;
        }
        int most = 0;
        for (ContainerStatus c : p.getStatus().getContainerStatuses()) {
            most = Math.max(most, c.getRestartCount() == null ? 0 : c.getRestartCount());
        }
        return most;
    }

    private static Instant created(Pod p) {
        String t = p.getMetadata().getCreationTimestamp();
        return t == null || t.isEmpty() ? null : Instant.parse(t);
    }
}
