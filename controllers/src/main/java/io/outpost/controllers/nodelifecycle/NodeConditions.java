package io.outpost.controllers.nodelifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;

/**
 * The conditions of a node whose agent went silent, as kube's {@code tryUpdateNodeHealth} writes
 * them: Ready, MemoryPressure, DiskPressure and PIDPressure become {@code Unknown} with reason
 * {@code NodeStatusUnknown} (or {@code NodeStatusNeverUpdated} for a condition the agent never
 * reported), keeping their {@code lastHeartbeatTime} (so the controller's own write is never taken
 * for a sign of life) and moving {@code lastTransitionTime} to now. kube's message says "Kubelet
 * stopped posting node status."; Outpost's says what an edge operator needs to know: whether the
 * pods there keep running.
 */
final class NodeConditions {

    static final List<String> TYPES = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
    static final String STOPPED = "NodeStatusUnknown";
    static final String NEVER = "NodeStatusNeverUpdated";

    private NodeConditions() {
    }

    /** The message of the Unknown conditions, by whether the node asked for eviction. */
    static String message(EvictionTimeout eviction) {
        String stopped = "Outpost agent stopped renewing its lease; ";
        return switch (eviction) {
            case EvictionTimeout.After a -> stopped + "pods on this node are evicted after " + a.timeout()
                    .toString().substring(2).toLowerCase() + " (" + EvictionTimeout.ANNOTATION + ")";
            case EvictionTimeout.Never n -> stopped + "pods on this edge node keep running and are not evicted (edge autonomy)";
            case EvictionTimeout.Invalid i -> stopped + "pods on this edge node keep running and are not evicted (edge autonomy)";
        };
    }

    /** The node's conditions with the four marked Unknown, or empty if they already are. */
    static Optional<List<NodeCondition>> markUnknown(Node node, Instant now, String message) {
        List<NodeCondition> current = node.getStatus() == null || node.getStatus().getConditions() == null
                ? List.of() : node.getStatus().getConditions();
        List<NodeCondition> next = new ArrayList<>();
        boolean changed = false;
        for (NodeCondition c : current) {
            if (TYPES.contains(c.getType()) && !"Unknown".equals(c.getStatus())) {
                next.add(new NodeConditionBuilder(c).withStatus("Unknown").withReason(STOPPED).withMessage(message)
                        .withLastTransitionTime(now.toString()).build());
                changed = true;
            } else {
                next.add(c);
            }
        }
        for (String type : TYPES) {
            if (current.stream().noneMatch(c -> type.equals(c.getType()))) {
                next.add(new NodeConditionBuilder().withType(type).withStatus("Unknown").withReason(NEVER)
                        .withMessage("Outpost agent never reported this condition")
                        .withLastHeartbeatTime(node.getMetadata().getCreationTimestamp())
                        .withLastTransitionTime(now.toString()).build());
                changed = true;
            }
        }
        return changed ? Optional.of(next) : Optional.empty();
    }
}
