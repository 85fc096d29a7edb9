package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.controllers.nodeipam.Ipv4Cidr;
import io.outpost.controllers.nodeipam.NodeIpamSettings;

/**
 * The node IPAM controller in the real server, with several Nodes registered through the API: each
 * gets its own subnet of {@code --cluster-cidr}, a node that brings one keeps it, a full range is a
 * {@code CIDRNotAvailable} Event, a deleted node's subnet goes to the node waiting for one, and a
 * restarted server hands out nothing twice.
 */
class NodeIpamTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    /** Four /24s: small enough to fill. */
    static UnaryOperator<ServerConfig> fourSubnets() {
        return c -> {
            ServerConfig base = ServerFixture.nodesWithoutAgents(c);
            return base.withControllers(base.controllers().withNodeIpam(new NodeIpamSettings(Ipv4Cidr.parse("10.77.0.0/22"), 24)));
        };
    }

    static void register(KubernetesClient client, String name, String podCidr) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
        b = podCidr == null ? b.withNewSpec().endSpec() : b.withNewSpec().withPodCIDR(podCidr).withPodCIDRs(podCidr).endSpec();
        client.nodes().resource(b.build()).create();
    }

    static Optional<String> podCidr(KubernetesClient client, String name) {
        Node n = client.nodes().withName(name).get();
        if (n == null || n.getSpec().getPodCIDRs() == null || n.getSpec().getPodCIDRs().isEmpty()) {
            return Optional.empty();
        }
        assertThat(n.getSpec().getPodCIDR()).as("spec.podCIDR is spec.podCIDRs[0]").isEqualTo(n.getSpec().getPodCIDRs().getFirst());
        return Optional.of(n.getSpec().getPodCIDRs().getFirst());
    }

    static String awaitCidr(KubernetesClient client, String name) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> podCidr(client, name), Optional::isPresent).get();
    }

    static List<Event> cidrNotAvailable(KubernetesClient client, String node) {
        return client.v1().events().inAnyNamespace().list().getItems().stream()
                .filter(e -> "CIDRNotAvailable".equals(e.getReason()) && node.equals(e.getInvolvedObject().getName())).toList();
    }

    @Test
    void nodesGetDistinctSubnetsKeepTheirsAndAFullRangeWaitsForADeletedNodesSubnet(@TempDir Path dir) throws Exception {
        Map<String, String> given;
        try (ServerFixture server = ServerFixture.start(dir, fourSubnets())) {
            KubernetesClient client = server.client();
            register(client, "edge-kept", "10.77.2.0/24");
            register(client, "edge-a", null);
            register(client, "edge-b", null);
            register(client, "edge-c", null);
            given = Map.of("edge-kept", awaitCidr(client, "edge-kept"), "edge-a", awaitCidr(client, "edge-a"),
                    "edge-b", awaitCidr(client, "edge-b"), "edge-c", awaitCidr(client, "edge-c"));
            assertThat(given.get("edge-kept")).as("a node that brings a podCIDR keeps it").isEqualTo("10.77.2.0/24");
            assertThat(given.values()).as("never two nodes the same").doesNotHaveDuplicates()
                    .containsExactlyInAnyOrder("10.77.0.0/24", "10.77.1.0/24", "10.77.2.0/24", "10.77.3.0/24");

            register(client, "edge-d", null);
            await().atMost(WAIT).untilAsserted(() -> assertThat(cidrNotAvailable(client, "edge-d")).singleElement().satisfies(e -> {
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getMessage()).isEqualTo("Node edge-d status is now: CIDRNotAvailable");
                assertThat(e.getSource().getComponent()).isEqualTo("cidrAllocator");
                assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
            }));
            assertThat(podCidr(client, "edge-d")).isEmpty();

            client.nodes().withName("edge-b").delete();
            assertThat(awaitCidr(client, "edge-d")).as("the deleted node's subnet, given at once to the node waiting")
                    .isEqualTo(given.get("edge-b"));
        }

        try (ServerFixture restarted = ServerFixture.start(dir, fourSubnets())) {
            KubernetesClient client = restarted.client();
            register(client, "edge-e", null);
            await().atMost(WAIT).untilAsserted(() -> assertThat(cidrNotAvailable(client, "edge-e"))
                    .as("after a restart the nodes' subnets are still taken: nothing for a new node").isNotEmpty());
            assertThat(podCidr(client, "edge-e")).isEmpty();
            assertThat(podCidr(client, "edge-a")).as("kept across the restart").contains(given.get("edge-a"));
            assertThat(podCidr(client, "edge-d")).contains(given.get("edge-b"));

            client.nodes().withName("edge-kept").delete();
            assertThat(awaitCidr(client, "edge-e")).isEqualTo("10.77.2.0/24");
        }
    }
}
