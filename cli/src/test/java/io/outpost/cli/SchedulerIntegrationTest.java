package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The scheduler that `outpost server` runs (on the fabric8 client, over its loopback) against the whole server in this JVM: informers on nodes
 * and pods, binding through pods/binding, Events. A control-plane node tainted NoSchedule and
 * two workers; pods land on the worker with room, and a pod that fits nowhere gets a
 * FailedScheduling event worded as kube-scheduler's.
 */
class SchedulerIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir, ServerFixture::nodesWithoutAgents);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("sched").endMetadata().build())
                .create();
        node(client, "control-plane", "4", new Taint("NoSchedule", "node-role.kubernetes.io/control-plane", null, null));
        node(client, "small", "1", null);
        node(client, "big", "4", null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A node as an agent registers it: created, then its status (capacity, Ready) written. */
    static void node(KubernetesClient client, String name, String cpu, Taint taint) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels("kubernetes.io/hostname", name).endMetadata().withNewSpec().endSpec();
        if (taint != null) {
            b.editSpec().withTaints(taint).endSpec();
        }
        Node created = client.nodes().resource(b.build()).create();
        FakeKubelet.writeStatus(client, created, n -> new NodeBuilder(n).withNewStatus()
                .withCapacity(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("8Gi"), "pods", new Quantity("110")))
                .withAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity("8Gi"), "pods",
                        new Quantity("110")))
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady").endCondition()
                .endStatus().build());
    }

    static Pod pod(String name, String cpu) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("sched").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("busybox:1.36").withNewResources()
                .withRequests(Map.of("cpu", new Quantity(cpu))).endResources().endContainer().endSpec().build();
    }

    @Test
    void aPodIsBoundThroughPodsBindingToTheNodeWithRoomAndAScheduledEventIsWritten() {
        client.pods().inNamespace("sched").resource(pod("web", "2")).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                client.pods().inNamespace("sched").withName("web").get().getSpec().getNodeName()).isEqualTo("big"));
        Pod bound = client.pods().inNamespace("sched").withName("web").get();
        assertThat(bound.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("PodScheduled");
            assertThat(c.getStatus()).isEqualTo("True");
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace("sched").list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("Scheduled");
                    assertThat(e.getMessage()).isEqualTo("Successfully assigned sched/web to big");
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("web");
                }));
    }

    @Test
    void aPodThatFitsNowhereGetsAFailedSchedulingEventAndStaysPending() {
        client.pods().inNamespace("sched").resource(pod("huge", "16")).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace("sched").list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("FailedScheduling");
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getMessage()).startsWith("0/3 nodes are available: "
                            + "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
                            + "2 Insufficient cpu. preemption: 0/3 nodes are available:");
                }));
        assertThat(client.pods().inNamespace("sched").withName("huge").get().getSpec().getNodeName()).isNull();
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                client.pods().inNamespace("sched").withName("huge").get().getStatus().getConditions())
                .anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("PodScheduled");
                    assertThat(c.getStatus()).isEqualTo("False");
                    assertThat(c.getReason()).isEqualTo("Unschedulable");
                    assertThat(c.getMessage()).startsWith("0/3 nodes are available: ");
                }));
    }

    @Test
    void aRetriedPodsRepeatedFailureCountsOnOneEvent() {
        client.pods().inNamespace("sched").resource(pod("giant", "32")).create();
        await().atMost(WAIT).until(() -> failures("giant").size() == 1);
        // A relevant node change retries the pod (after its 1 s back-off); it fails the same way.
        client.nodes().withName("small").edit(n -> {
            n.getMetadata().getLabels().put("retry", "1");
            return n;
        });
        await().atMost(WAIT).untilAsserted(() -> {
            var events = failures("giant");
            assertThat(events).hasSize(1);
            assertThat(events.get(0).getCount()).isGreaterThanOrEqualTo(2);
        });
    }

    private static java.util.List<io.fabric8.kubernetes.api.model.Event> failures(String pod) {
        return client.v1().events().inNamespace("sched").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getName().equals(pod) && e.getReason().equals("FailedScheduling"))
                .toList();
    }

    @Test
    void aPodForAnotherSchedulerIsLeftPending() throws Exception {
        Pod other = new PodBuilder(pod("elsewhere", "1")).editSpec().withSchedulerName("other-scheduler").endSpec()
                .build();
        client.pods().inNamespace("sched").resource(other).create();
        Pod marker = pod("after", "1");
        client.pods().inNamespace("sched").resource(marker).create();
        // Once a later pod of ours is bound, the other scheduler's pod has been seen and skipped.
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                client.pods().inNamespace("sched").withName("after").get().getSpec().getNodeName()).isNotNull());
        assertThat(client.pods().inNamespace("sched").withName("elsewhere").get().getSpec().getNodeName()).isNull();
    }
}
