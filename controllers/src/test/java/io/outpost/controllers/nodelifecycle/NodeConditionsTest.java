package io.outpost.controllers.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;

class NodeConditionsTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
    static final String BEAT = "2026-01-01T00:00:00Z";

    static Node reported(String... typeStatus) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName("edge-1").withCreationTimestamp("2025-12-31T00:00:00Z")
                .endMetadata().withNewStatus().endStatus();
        for (int i = 0; i < typeStatus.length; i += 2) {
            b.editStatus().addNewCondition().withType(typeStatus[i]).withStatus(typeStatus[i + 1]).withReason("KubeletReady")
                    .withLastHeartbeatTime(BEAT).withLastTransitionTime(BEAT).endCondition().endStatus();
        }
        return b.build();
    }

    static Map<String, NodeCondition> byType(List<NodeCondition> conditions) {
        return conditions.stream().collect(Collectors.toMap(NodeCondition::getType, c -> c));
    }

    @Test
    void aSilentNodesConditionsBecomeUnknownKeepingTheirHeartbeat() {
        Node node = reported("Ready", "True", "MemoryPressure", "False", "DiskPressure", "False", "PIDPressure", "False",
                "NetworkUnavailable", "False");
        var marked = byType(NodeConditions.markUnknown(node, NOW, "gone").orElseThrow());
        for (String type : NodeConditions.TYPES) {
            assertThat(marked.get(type).getStatus()).as(type).isEqualTo("Unknown");
            assertThat(marked.get(type).getReason()).as(type).isEqualTo("NodeStatusUnknown");
            assertThat(marked.get(type).getMessage()).as(type).isEqualTo("gone");
            assertThat(marked.get(type).getLastHeartbeatTime()).as(type).isEqualTo(BEAT);
            assertThat(marked.get(type).getLastTransitionTime()).as(type).isEqualTo(NOW.toString());
        }
        assertThat(marked.get("NetworkUnavailable").getStatus()).as("a condition kube leaves alone").isEqualTo("False");
    }

    @Test
    void conditionsAlreadyUnknownAreNotWrittenAgain() {
        Node node = reported("Ready", "Unknown", "MemoryPressure", "Unknown", "DiskPressure", "Unknown", "PIDPressure", "Unknown");
        assertThat(NodeConditions.markUnknown(node, NOW, "gone")).isEmpty();
    }

    @Test
    void conditionsTheAgentNeverReportedAreAddedAsNeverUpdated() {
        var marked = byType(NodeConditions.markUnknown(reported("Ready", "True"), NOW, "gone").orElseThrow());
        assertThat(marked.get("Ready").getReason()).isEqualTo("NodeStatusUnknown");
        assertThat(marked.get("DiskPressure").getStatus()).isEqualTo("Unknown");
        assertThat(marked.get("DiskPressure").getReason()).isEqualTo("NodeStatusNeverUpdated");
        assertThat(marked.get("DiskPressure").getLastHeartbeatTime()).isEqualTo("2025-12-31T00:00:00Z");
    }

    @Test
    void theMessageSaysPlainlyWhetherPodsAreEvicted() {
        assertThat(NodeConditions.message(new EvictionTimeout.Never()))
                .isEqualTo("Outpost agent stopped renewing its lease; pods on this edge node keep running and are not evicted (edge autonomy)");
        assertThat(NodeConditions.message(new EvictionTimeout.After(Duration.ofMinutes(5))))
                .isEqualTo("Outpost agent stopped renewing its lease; pods on this node are evicted after 5m (node.outpost.io/eviction-timeout)");
        assertThat(NodeConditions.message(new EvictionTimeout.Invalid("x", "bad"))).contains("not evicted");
    }
}
