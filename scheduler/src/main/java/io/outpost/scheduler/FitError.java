package io.outpost.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.outpost.scheduler.framework.Status;

/**
 * The FailedScheduling message as kube-scheduler words it (its {@code FitError.Error}):
 * "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: },
 * 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for
 * scheduling." Each reason of each node is counted once; the "count reason" strings are sorted.
 */
final class FitError {

    private FitError() {
    }

    static String message(int allNodes, Map<String, Status> nodeStatuses, String postFilterMessage) {
        Map<String, Integer> histogram = new HashMap<>();
        for (Status s : nodeStatuses.values()) {
            for (String reason : s.reasons()) {
                histogram.merge(reason, 1, Integer::sum);
            }
        }
        List<String> counted = histogram.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).sorted()
                .toList();
        StringBuilder b = new StringBuilder("0/").append(allNodes).append(" nodes are available");
        if (!counted.isEmpty()) {
            b.append(": ").append(String.join(", ", counted));
        }
        b.append('.');
        if (postFilterMessage != null && !postFilterMessage.isEmpty()) {
            b.append(' ').append(postFilterMessage);
        }
        return b.toString();
    }
}
