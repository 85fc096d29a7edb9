package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * The DaemonSet controller inside the whole server, with the scheduler binding its pods, driven
 * by the fabric8 client: Nodes are created through the API as agents register them, and a
 * {@link FakeKubelet} makes bound pods Ready and finishes graceful deletions.
 */
class DaemonSetControllerTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;
    static FakeKubelet kubelet;
    static final String NS = "daemons";
    static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        kubelet = new FakeKubelet(client);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kubelet != null) {
            kubelet.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static void node(String name, Map<String, String> labels, Taint... taints) {
        kubelet.registerNode(name, labels, taints);
    }

    static DaemonSet daemonSet(String name, Map<String, String> nodeSelector, String image) {
        return new DaemonSetBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().withNodeSelector(nodeSelector).addNewContainer().withName("main").withImage(image).endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    /** Live pods of the daemon by the node they are bound to (unbound ones under ""). */
    static Map<String, Pod> podsByNode(String app) {
        Map<String, Pod> out = new TreeMap<>();
        for (Pod p : client.pods().inNamespace(NS).withLabel("app", app).list().getItems()) {
            if (p.getMetadata().getDeletionTimestamp() == null) {
                String node = p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName();
                assertThat(out.put(node, p)).as("two live pods on %s", node).isNull();
            }
        }
        return out;
    }

    /** As {@code kubectl set image}: a strategic merge patch, so a status written meanwhile is no conflict. */
    static void setImage(String name, String image) {
        client.apps().daemonSets().inNamespace(NS).withName(name).patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"" + image + "\"}]}}}}");
    }

    static Map<String, String> images(Map<String, Pod> pods) {
        Map<String, String> out = new TreeMap<>();
        pods.forEach((node, pod) -> out.put(node, pod.getSpec().getContainers().get(0).getImage()));
        return out;
    }

    /** The DaemonSet, with an empty status until the controller first wrote one. */
    static DaemonSet get(String name) {
        DaemonSet d = client.apps().daemonSets().inNamespace(NS).withName(name).get();
        if (d.getStatus() == null) {
            d.setStatus(new DaemonSetStatus());
        }
        return d;
    }

    @Test
    void aDaemonSetRunsOnLabelledNodesOnly() {
        node("site-a", Map.of("logs", "ship"));
        node("site-b", Map.of("logs", "ship"));
        node("site-c", Map.of());
        node("site-tainted", Map.of("logs", "ship"), new Taint("NoSchedule", "dedicated", null, "gpu"));
        client.apps().daemonSets().inNamespace(NS).resource(daemonSet("shipper", Map.of("logs", "ship"), "fluent-bit:3.1")).create();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(podsByNode("shipper")).containsOnlyKeys("site-a", "site-b");
            var status = get("shipper").getStatus();
            assertThat(status.getDesiredNumberScheduled()).isEqualTo(2);
            assertThat(status.getCurrentNumberScheduled()).isEqualTo(2);
            assertThat(status.getNumberReady()).isEqualTo(2);
            assertThat(status.getNumberAvailable()).isEqualTo(2);
            assertThat(status.getUpdatedNumberScheduled()).isEqualTo(2);
            assertThat(status.getNumberMisscheduled()).isZero();
        });
        Pod pod = podsByNode("shipper").get("site-a");
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("DaemonSet"));
        assertThat(pod.getMetadata().getLabels()).containsKey("controller-revision-hash");
        assertThat(pod.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()).singleElement().satisfies(t -> {
                    assertThat(t.getMatchFields()).singleElement().satisfies(f -> {
                        assertThat(f.getKey()).isEqualTo("metadata.name");
                        assertThat(f.getValues()).containsExactly("site-a");
                    });
                });
        assertThat(pod.getSpec().getTolerations()).anySatisfy(t -> {
            assertThat(t.getKey()).isEqualTo("node.kubernetes.io/unreachable");
            assertThat(t.getEffect()).isEqualTo("NoExecute");
        });

        client.nodes().withName("site-c").edit(n -> new NodeBuilder(n).editMetadata().addToLabels("logs", "ship").endMetadata().build());
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(podsByNode("shipper")).containsOnlyKeys("site-a", "site-b", "site-c");
            assertThat(get("shipper").getStatus().getNumberReady()).isEqualTo(3);
        });

        client.nodes().withName("site-c").edit(n -> new NodeBuilder(n).editMetadata().removeFromLabels("logs").endMetadata().build());
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(podsByNode("shipper")).containsOnlyKeys("site-a", "site-b");
            var status = get("shipper").getStatus();
            assertThat(status.getDesiredNumberScheduled()).isEqualTo(2);
            assertThat(status.getNumberMisscheduled()).isZero();
        });
        assertThat(client.apps().controllerRevisions().inNamespace(NS).withLabel("app", "shipper").list().getItems())
                .singleElement().satisfies(r -> assertThat(r.getRevision()).isEqualTo(1L));
    }

    @Test
    void aDaemonSetRollsOutANewTemplateOneNodeAtATimeAndKeepsItsHistory() {
        node("metrics-1", Map.of("metrics", "on"));
        node("metrics-2", Map.of("metrics", "on"));
        node("metrics-3", Map.of("metrics", "on"));
        var daemonSets = client.apps().daemonSets().inNamespace(NS);
        daemonSets.resource(daemonSet("exporter", Map.of("metrics", "on"), "exporter:1")).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("exporter").getStatus().getNumberAvailable()).isEqualTo(3));
        String firstHash = podsByNode("exporter").get("metrics-1").getMetadata().getLabels().get("controller-revision-hash");

        // New pods stay Pending while held: with maxUnavailable 1 (the default), only one node is replaced.
        List.of("metrics-1", "metrics-2", "metrics-3").forEach(kubelet::hold);
        setImage("exporter", "exporter:2");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(images(podsByNode("exporter"))).containsOnlyKeys("metrics-1", "metrics-2", "metrics-3")
                    .containsValue("exporter:2");
            assertThat(get("exporter").getStatus().getNumberUnavailable()).isEqualTo(1);
        });
        await().during(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() -> {
            Map<String, String> images = images(podsByNode("exporter"));
            assertThat(images.values()).containsOnlyOnce("exporter:2");
            assertThat(images.values().stream().filter("exporter:1"::equals)).hasSize(2);
            assertThat(get("exporter").getStatus().getNumberUnavailable()).isEqualTo(1);
        });
        List.of("metrics-1", "metrics-2", "metrics-3").forEach(kubelet::release);
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, Pod> pods = podsByNode("exporter");
            assertThat(pods).containsOnlyKeys("metrics-1", "metrics-2", "metrics-3");
            assertThat(pods.values()).allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("exporter:2"));
            DaemonSet d = get("exporter");
            assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
            assertThat(d.getStatus().getUpdatedNumberScheduled()).isEqualTo(3);
            assertThat(d.getStatus().getNumberAvailable()).isEqualTo(3);
        });
        List<ControllerRevision> revisions = client.apps().controllerRevisions().inNamespace(NS).withLabel("app", "exporter")
                .list().getItems();
        assertThat(revisions).extracting(ControllerRevision::getRevision).containsExactlyInAnyOrder(1L, 2L);
        assertThat(revisions).filteredOn(r -> r.getRevision() == 1L).singleElement()
                .satisfies(r -> assertThat(r.getMetadata().getLabels()).containsEntry("controller-revision-hash", firstHash));

        daemonSets.withName("exporter").delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(podsByNode("exporter")).as("pods collected with their DaemonSet").isEmpty();
            assertThat(client.apps().controllerRevisions().inNamespace(NS).withLabel("app", "exporter").list().getItems())
                    .as("and its revisions").isEmpty();
        });
    }

    @Test
    void aFailedDaemonPodIsReplacedOnItsNodeAndOnDeleteWaitsForAHandDeletion() {
        node("bridge-1", Map.of("devices", "modbus"));
        var daemonSets = client.apps().daemonSets().inNamespace(NS);
        daemonSets.resource(new DaemonSetBuilder(daemonSet("bridge", Map.of("devices", "modbus"), "bridge:1")).editSpec()
                .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy().endSpec().build()).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("bridge").getStatus().getNumberReady()).isEqualTo(1));
        Pod first = podsByNode("bridge").get("bridge-1");

        first.getStatus().setPhase("Failed");
        client.pods().inNamespace(NS).resource(first).updateStatus();
        await().atMost(WAIT).untilAsserted(() -> {
            Pod replacement = podsByNode("bridge").get("bridge-1");
            assertThat(replacement).isNotNull();
            assertThat(replacement.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
        });
        assertThat(client.v1().events().inNamespace(NS).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("FailedDaemonPod"));

        setImage("bridge", "bridge:2");
        await().during(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() -> {
            assertThat(images(podsByNode("bridge"))).containsExactly(Map.entry("bridge-1", "bridge:1"));
            DaemonSet d = get("bridge");
            assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
            assertThat(d.getStatus().getUpdatedNumberScheduled()).isZero();
        });
        client.pods().inNamespace(NS).withName(podsByNode("bridge").get("bridge-1").getMetadata().getName()).delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(images(podsByNode("bridge"))).containsExactly(Map.entry("bridge-1", "bridge:2"));
            assertThat(get("bridge").getStatus().getUpdatedNumberScheduled()).isEqualTo(1);
        });
    }

    @Test
    void withMaxSurgeTheNewPodStartsBesideTheOldOneWhichGoesOnceItIsAvailable() {
        node("gw-1", Map.of("gateway", "yes"));
        node("gw-2", Map.of("gateway", "yes"));
        var daemonSets = client.apps().daemonSets().inNamespace(NS);
        daemonSets.resource(new DaemonSetBuilder(daemonSet("gateway", Map.of("gateway", "yes"), "gw:1")).editSpec()
                .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0)).endRollingUpdate()
                .endUpdateStrategy().endSpec().build()).create();
        // The message says what the controller and the scheduler had done, should this time out
        // (it did once in a full CI run, on the first test of the class; never alone).
        await().atMost(WAIT).untilAsserted(() -> {
            DaemonSet gateway = get("gateway");
            String pods = client.pods().inNamespace(NS).withLabel("app", "gateway").list().getItems().stream()
                    .map(p -> p.getMetadata().getName() + "@" + p.getSpec().getNodeName() + " " + p.getStatus()).toList().toString();
            assertThat(gateway.getStatus().getNumberAvailable())
                    .withFailMessage("available %s, not 2: status %s, pods %s", gateway.getStatus().getNumberAvailable(),
                            gateway.getStatus(), pods)
                    .isEqualTo(2);
        });

        // creationTimestamp has second precision, and kube (and we) break a tie between a node's
        // pods by name: a surge pod made in its old pod's second may count as the "oldest" and
        // make the node look unavailable. A warm JVM does it all in one second; let it pass.
        Instant created = client.pods().inNamespace(NS).withLabel("app", "gateway").list().getItems().stream()
                .map(p -> Instant.parse(p.getMetadata().getCreationTimestamp())).max(Instant::compareTo).orElseThrow();
        await().atMost(WAIT).until(() -> Instant.now().isAfter(created.plusSeconds(1)));
        List.of("gw-1", "gw-2").forEach(kubelet::hold);
        setImage("gateway", "gw:2");
        await().atMost(WAIT).untilAsserted(() -> assertThat(liveImages("gateway").values().stream().flatMap(List::stream))
                .containsOnlyOnce("gw:2"));
        await().during(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() -> {
            Map<String, List<String>> images = liveImages("gateway");
            assertThat(images.values()).as("one node surges: old and new side by side, the other untouched")
                    .containsExactlyInAnyOrder(List.of("gw:1", "gw:2"), List.of("gw:1"));
            assertThat(get("gateway").getStatus().getNumberAvailable()).isEqualTo(2);
        });
        List.of("gw-1", "gw-2").forEach(kubelet::release);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(liveImages("gateway")).containsOnly(Map.entry("gw-1", List.of("gw:2")), Map.entry("gw-2", List.of("gw:2")));
            assertThat(get("gateway").getStatus().getUpdatedNumberScheduled()).isEqualTo(2);
        });
    }

    /** Images of the live pods on each node, sorted: with surge a node may run two. */
    static Map<String, List<String>> liveImages(String app) {
        Map<String, List<String>> out = new TreeMap<>();
        for (Pod p : client.pods().inNamespace(NS).withLabel("app", app).list().getItems()) {
            if (p.getMetadata().getDeletionTimestamp() == null && p.getSpec().getNodeName() != null) {
                out.computeIfAbsent(p.getSpec().getNodeName(), k -> new java.util.ArrayList<>())
                        .add(p.getSpec().getContainers().get(0).getImage());
            }
        }
        out.values().forEach(java.util.Collections::sort);
        return out;
    }
}
