package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Real kubectl (1.27 and 1.33) against the server with the scheduler running on its fabric8
 * adapter: a pod created with kubectl is placed on the node with room ({@code get -o wide} shows
 * it), and one that fits nowhere stays Pending with the FailedScheduling event in
 * {@code kubectl describe pod}, worded as kube-scheduler's.
 */
@Tag("system")
class KubectlSchedulerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static ServerFixture server;
    static Kubectl kubectl;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        kubectl = Kubectl.find(dir, dir.resolve("data/admin.kubeconfig"));
        server = ServerFixture.start(dir, ServerFixture::nodesWithoutAgents);
        client = server.client();
        SchedulerIntegrationTest.node(client, "control-plane", "4",
                new Taint("NoSchedule", "node-role.kubernetes.io/control-plane", null, null));
        SchedulerIntegrationTest.node(client, "small", "1", null);
        SchedulerIntegrationTest.node(client, "big", "4", null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "kubectl {0}: a pod is scheduled onto the node with room; one that fits nowhere is described with kube's FailedScheduling message")
    @ValueSource(strings = {"1.27", "1.33"})
    void podsAreScheduledAndFailuresDescribed(String version) throws Exception {
        String ns = "sched-" + version.replace('.', '-');
        kubectl.ok(version, "create", "namespace", ns);
        Path manifest = kubectl.file("pods-" + version + ".yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: %1$s}
                spec:
                  containers:
                  - {name: web, image: nginx:1.27, resources: {requests: {cpu: "2"}}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: huge, namespace: %1$s}
                spec:
                  containers:
                  - {name: huge, image: nginx:1.27, resources: {requests: {cpu: "64"}}}
                """.formatted(ns));
        kubectl.ok(version, "apply", "-f", manifest.toString());

        await().atMost(WAIT).untilAsserted(() -> assertThat(
                kubectl.ok(version, "get", "pod", "web", "-n", ns, "-o", "jsonpath={.spec.nodeName}").out()).isEqualTo("big"));
        assertThat(kubectl.ok(version, "get", "pod", "web", "-n", ns, "-o", "wide").out()).contains("big");

        await().atMost(WAIT).untilAsserted(() -> {
            String described = kubectl.ok(version, "describe", "pod", "huge", "-n", ns).out();
            assertThat(described).contains("FailedScheduling");
            assertThat(described.replaceAll("\\s+", " ")).contains("0/3 nodes are available: "
                    + "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.");
        });
        assertThat(kubectl.ok(version, "get", "pod", "huge", "-n", ns, "-o", "jsonpath={.spec.nodeName}").out()).isEmpty();
        String events = kubectl.ok(version, "get", "events", "-n", ns).out();
        assertThat(events).contains("Scheduled").contains("Successfully assigned " + ns + "/web to big");
        // Bound to a node without a kubelet, the pod stays Terminating for its grace period and beyond,
        // as in kube: kubectl's wait for it to be gone would never end.
        kubectl.ok(version, "delete", "pod", "web", "-n", ns, "--wait=false");
    }
}
