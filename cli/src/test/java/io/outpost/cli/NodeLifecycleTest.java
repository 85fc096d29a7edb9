package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.controllers.ControllerManagers;
import io.outpost.controllers.nodelifecycle.Timings;

/**
 * The node lifecycle controller inside the whole server, with a 3 s grace period instead of
 * kube's 40 s. The test plays the agent: it registers a Node and its Lease in
 * {@code kube-node-lease} through the API, binds pods to it and reports them Ready, renews the
 * Lease, then stops renewing.
 */
class NodeLifecycleTest {

    static final Duration GRACE = Duration.ofSeconds(3);
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String NS = "edge";

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir, c -> c.withControllers(new ControllerManagers.Settings(new Timings(GRACE, GRACE))));
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** What an agent does on joining: registers its Node, reports it Ready, and creates its Lease. */
    static void join(KubernetesClient client, String name, Map<String, String> annotations) {
        Node created = client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .withAnnotations(annotations).endMetadata().withNewSpec().endSpec().build()).create();
        String now = Instant.now().toString();
        FakeKubelet.writeStatus(client, created, n -> new NodeBuilder(n).withNewStatus().addNewCondition().withType("Ready")
                .withStatus("True").withReason("KubeletReady").withMessage("agent is posting ready status")
                .withLastHeartbeatTime(now).withLastTransitionTime(now).endCondition().endStatus().build());
        client.leases().inNamespace("kube-node-lease").resource(new LeaseBuilder().withNewMetadata().withName(name)
                .withNamespace("kube-node-lease").endMetadata().withNewSpec().withHolderIdentity(name)
                .withLeaseDurationSeconds(40).withRenewTime(ZonedDateTime.now(ZoneOffset.UTC)).endSpec().build()).create();
    }

    static void renew(KubernetesClient client, String name) {
        client.leases().inNamespace("kube-node-lease").withName(name).edit(l -> {
            l.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
            return l;
        });
    }

    /** A pod bound to {@code node} and reported Running and Ready, as the agent would. */
    static void runPod(KubernetesClient client, String name, String node, Toleration... tolerations) {
        Pod created = client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withNodeName(node).withTolerations(tolerations).addNewContainer().withName("app")
                .withImage("registry.example/app:1").endContainer().endSpec().build()).create();
        String now = Instant.now().toString();
        client.pods().inNamespace(NS).resource(new PodBuilder(created).withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now).endCondition()
                .endStatus().build()).updateStatus();
    }

    static Node node(KubernetesClient client, String name) {
        return client.nodes().withName(name).get();
    }

    static Optional<NodeCondition> condition(KubernetesClient client, String node, String type) {
        Node n = node(client, node);
        return n.getStatus() == null || n.getStatus().getConditions() == null ? Optional.empty()
                : n.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    static List<String> taints(KubernetesClient client, String node) {
        Node n = node(client, node);
        return n.getSpec().getTaints() == null ? List.of()
                : n.getSpec().getTaints().stream().map(t -> t.getKey() + ":" + t.getEffect()).toList();
    }

    static String podReady(KubernetesClient client, String name) {
        return client.pods().inNamespace(NS).withName(name).get().getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType())).findFirst().orElseThrow().getStatus();
    }

    @Test
    void anEdgeNodeLosingItsLeaseKeepsItsPods() throws InterruptedException {
        join(client, "edge-1", Map.of());
        runPod(client, "sensor", "edge-1");

        // Renewed for longer than the grace period: healthy, untainted.
        Instant until = Instant.now().plus(GRACE.multipliedBy(2));
        while (Instant.now().isBefore(until)) {
            renew(client, "edge-1");
            Thread.sleep(500);
        }
        assertThat(condition(client, "edge-1", "Ready")).get().extracting(NodeCondition::getStatus).isEqualTo("True");
        assertThat(taints(client, "edge-1")).isEmpty();

        // The agent goes silent.
        await().atMost(WAIT).untilAsserted(() -> {
            NodeCondition ready = condition(client, "edge-1", "Ready").orElseThrow();
            assertThat(ready.getStatus()).isEqualTo("Unknown");
            assertThat(ready.getReason()).isEqualTo("NodeStatusUnknown");
            assertThat(ready.getMessage()).isEqualTo("Outpost agent stopped renewing its lease; "
                    + "pods on this edge node keep running and are not evicted (edge autonomy)");
            assertThat(taints(client, "edge-1")).containsExactly("node.kubernetes.io/unreachable:NoSchedule");
        });
        for (String type : List.of("MemoryPressure", "DiskPressure", "PIDPressure")) {
            assertThat(condition(client, "edge-1", type)).get().extracting(NodeCondition::getStatus).as(type).isEqualTo("Unknown");
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(podReady(client, "sensor")).isEqualTo("False"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace("default").list().getItems())
                .anyMatch(e -> "NodeNotReady".equals(e.getReason()) && "edge-1".equals(e.getInvolvedObject().getName())));

        // Well past the grace period (and past any eviction kube would do), the pod is still there.
        Thread.sleep(GRACE.multipliedBy(2).toMillis());
        Pod sensor = client.pods().inNamespace(NS).withName("sensor").get();
        assertThat(sensor).isNotNull();
        assertThat(sensor.getMetadata().getDeletionTimestamp()).isNull();
        assertThat(taints(client, "edge-1")).doesNotContain("node.kubernetes.io/unreachable:NoExecute");

        // The link comes back: the taint goes; the conditions wait for the agent's own report.
        renew(client, "edge-1");
        await().atMost(WAIT).untilAsserted(() -> assertThat(taints(client, "edge-1")).isEmpty());
        assertThat(condition(client, "edge-1", "Ready")).get().extracting(NodeCondition::getStatus).isEqualTo("Unknown");
    }

    @Test
    void aNodeWithAnEvictionTimeoutLosesItsPods() throws InterruptedException {
        // Another node stays in touch: with every node silent kube (and Outpost) evicts nothing.
        join(client, "alive", Map.of());
        Thread renewer = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    renew(client, "alive");
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                // the test is over
            }
        });
        try {
            loseCloudNodesPods();
        } finally {
            renewer.interrupt();
            renewer.join();
        }
    }

    private void loseCloudNodesPods() {
        join(client, "cloud-1", Map.of("node.outpost.io/eviction-timeout", "2s"));
        runPod(client, "web", "cloud-1");
        runPod(client, "patient", "cloud-1", new Toleration("NoExecute", "node.kubernetes.io/unreachable", "Exists", null, null));

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(taints(client, "cloud-1")).containsExactlyInAnyOrder("node.kubernetes.io/unreachable:NoSchedule",
                    "node.kubernetes.io/unreachable:NoExecute");
            assertThat(condition(client, "cloud-1", "Ready").orElseThrow().getMessage())
                    .isEqualTo("Outpost agent stopped renewing its lease; pods on this node are evicted after 2s "
                            + "(node.outpost.io/eviction-timeout)");
        });
        await().atMost(WAIT).untilAsserted(() -> {
            Pod web = client.pods().inNamespace(NS).withName("web").get();
            assertThat(web == null || web.getMetadata().getDeletionTimestamp() != null).as("web evicted").isTrue();
        });
        Pod patient = client.pods().inNamespace(NS).withName("patient").get();
        assertThat(patient.getMetadata().getDeletionTimestamp()).as("a pod tolerating the taint for ever stays").isNull();
        Taint noExecute = node(client, "cloud-1").getSpec().getTaints().stream().filter(t -> "NoExecute".equals(t.getEffect()))
                .findFirst().orElseThrow();
        assertThat(noExecute.getTimeAdded()).isNotBlank();
    }

    @Test
    void whenEveryNodeIsUnreachableNothingIsEvicted() throws Exception {
        // Its own server: here every node goes silent at once, as when the control plane loses its link.
        try (ServerFixture alone = ServerFixture.start(dir.resolve("alone"),
                c -> c.withControllers(new ControllerManagers.Settings(new Timings(GRACE, GRACE))))) {
            KubernetesClient client = alone.client();
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                    .create();
            join(client, "cloud-2", Map.of("node.outpost.io/eviction-timeout", "1s"));
            runPod(client, "db", "cloud-2");
            await().atMost(WAIT).untilAsserted(() -> assertThat(taints(client, "cloud-2"))
                    .contains("node.kubernetes.io/unreachable:NoExecute"));
            Thread.sleep(GRACE.multipliedBy(2).toMillis());
            assertThat(client.pods().inNamespace(NS).withName("db").get().getMetadata().getDeletionTimestamp())
                    .as("no eviction in full disruption").isNull();
        }
    }

    @Test
    void aBadEvictionTimeoutIsReportedAndIgnored() throws InterruptedException {
        join(client, "edge-2", Map.of("node.outpost.io/eviction-timeout", "soon"));
        runPod(client, "camera", "edge-2");

        await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace("default").list().getItems())
                .anyMatch(e -> "InvalidEvictionTimeout".equals(e.getReason()) && "edge-2".equals(e.getInvolvedObject().getName())
                        && e.getMessage().contains("node.outpost.io/eviction-timeout=\"soon\" is ignored")));
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(taints(client, "edge-2")).containsExactly("node.kubernetes.io/unreachable:NoSchedule"));
        Thread.sleep(GRACE.toMillis());
        assertThat(client.pods().inNamespace(NS).withName("camera").get().getMetadata().getDeletionTimestamp()).isNull();
    }
}
