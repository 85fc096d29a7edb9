package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Pod priority end to end: PriorityClasses served (with the two system ones), the Priority
 * admission resolving {@code priorityClassName} into {@code spec.priority}, and the scheduler
 * preempting a lower-priority pod to make room. No agent runs here: the test finishes the victim's
 * termination as the node's agent would.
 */
class PreemptionTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String NS = "prio";

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir, ServerFixture::nodesWithoutAgents);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        for (String[] c : new String[][] {{"low", "10"}, {"high", "1000"}}) {
            client.scheduling().v1().priorityClasses().resource(new PriorityClassBuilder().withNewMetadata()
                    .withName(c[0]).endMetadata().withValue(Integer.parseInt(c[1])).build()).create();
        }
        SchedulerIntegrationTest.node(client, "worker", "2", null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Pod pod(String name, String priorityClass) {
        return SchedulerIntegrationTest.pod(name, "2").edit().editMetadata().withNamespace(NS).endMetadata()
                .editSpec().withPriorityClassName(priorityClass).endSpec().build();
    }

    static Pod get(String name) {
        return client.pods().inNamespace(NS).withName(name).get();
    }

    @Test
    void theSystemClassesExist() {
        assertThat(client.scheduling().v1().priorityClasses().withName("system-node-critical").get().getValue())
                .isEqualTo(2_000_001_000);
        assertThat(client.scheduling().v1().priorityClasses().withName("system-cluster-critical").get().getValue())
                .isEqualTo(2_000_000_000);
        assertThatThrownBy(() -> client.scheduling().v1().priorityClasses().withName("system-node-critical").delete())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void aPodNamingAnUnknownClassIsForbidden() {
        assertThatThrownBy(() -> client.pods().inNamespace(NS).resource(pod("lost", "gold")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getStatus().getMessage()).isEqualTo(
                            "pods \"lost\" is forbidden: no PriorityClass with name gold was found");
                });
    }

    @Test
    void aHigherPriorityPodPreemptsALowerOneAndTakesItsPlace() {
        client.pods().inNamespace(NS).resource(pod("filler", "low")).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("filler").getSpec().getNodeName()).isEqualTo("worker"));
        assertThat(get("filler").getSpec().getPriority()).isEqualTo(10);

        client.pods().inNamespace(NS).resource(pod("urgent", "high")).create();
        assertThat(get("urgent").getSpec().getPriority()).isEqualTo(1000);
        await().atMost(WAIT).untilAsserted(() -> {
            Pod filler = get("filler");
            assertThat(filler.getMetadata().getDeletionTimestamp()).as("the victim is being deleted").isNotNull();
            assertThat(filler.getStatus().getConditions()).anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("DisruptionTarget");
                assertThat(c.getReason()).isEqualTo("PreemptionByScheduler");
            });
            assertThat(get("urgent").getStatus().getNominatedNodeName()).isEqualTo("worker");
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(NS).list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("Preempted");
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("filler");
                }));

        // The node's agent stops the victim and removes it; the preemptor then gets the node.
        client.pods().inNamespace(NS).withName("filler").withGracePeriod(0).delete();
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("urgent").getSpec().getNodeName()).isEqualTo("worker"));
    }
}
