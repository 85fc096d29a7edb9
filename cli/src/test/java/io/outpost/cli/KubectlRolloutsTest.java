package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Real kubectl 1.27 and 1.33 driving Deployments through the controllers of the whole server:
 * {@code rollout status/history/undo/pause/resume/restart}, {@code set image}, {@code scale} and
 * {@code delete --cascade=background|foreground|orphan}. A fake kubelet in this test marks each
 * new pod Running and Ready by writing its status, as a kubelet would.
 */
@Tag("system")
class KubectlRolloutsTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static Kubectl kubectl;
    static KubernetesClient client;
    static volatile boolean stopping;
    static Thread kubelet;

    @BeforeAll
    static void start() throws Exception {
        kubectl = Kubectl.find(dir, dir.resolve("data/admin.kubeconfig"));
        server = ServerFixture.start(dir);
        client = server.client();
        kubelet = Thread.ofVirtual().name("fake-kubelet").start(KubectlRolloutsTest::markPodsReady);
    }

    @AfterAll
    static void stop() throws Exception {
        stopping = true;
        if (kubelet != null) {
            kubelet.join();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The fake kubelet: every pod not yet Ready becomes Running and Ready. */
    private static void markPodsReady() {
        while (!stopping) {
            try {
                for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
                    boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null
                            && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()));
                    if (ready || pod.getMetadata().getDeletionTimestamp() != null) {
                        continue;
                    }
                    pod.setStatus(new PodStatusBuilder().withPhase("Running").withConditions(new PodConditionBuilder()
                            .withType("Ready").withStatus("True").withLastTransitionTime(Instant.now().toString()).build()).build());
                    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
                }
            } catch (KubernetesClientException e) {
                // a pod changed or went meanwhile: the next round sees it
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** kubectl rollout status; on a time-out, the Deployment, its ReplicaSets and pods as they stand. */
    private static Kubectl.Run rolledOut(String version, String ns, String deployment) throws Exception {
        Kubectl.Run run = kubectl.run(version, "rollout", "status", deployment, "-n", ns, "--timeout=60s");
        if (run.exitCode() != 0) {
            Kubectl.Run state = kubectl.run(version, "get", "deployments,replicasets,pods", "-n", ns, "-o", "yaml");
            throw new AssertionError("kubectl rollout status " + deployment + ": " + run.err() + "\n" + state.out());
        }
        return run;
    }

    private static String image(String version, String ns) throws Exception {
        return kubectl.ok(version, "get", "deployment", "web", "-n", ns, "-o",
                "jsonpath={.spec.template.spec.containers[0].image}").out();
    }

    private static List<String> podImages(String version, String ns) throws Exception {
        return kubectl.ok(version, "get", "pods", "-n", ns, "-l", "app=web", "-o",
                "jsonpath={range .items[*]}{.spec.containers[0].image}{\"\\n\"}{end}").out().lines().toList();
    }

    @ParameterizedTest(name = "kubectl {0}: rollout status, set image, history, undo, pause, resume, restart and scale")
    @ValueSource(strings = {"1.27", "1.33"})
    void aDeploymentIsRolledOutAndBack(String version) throws Exception {
        String ns = "rollout-" + version.replace('.', '-');
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        kubectl.ok(version, "create", "deployment", "web", "-n", ns, "--image=nginx:1.27", "--replicas=3");
        assertThat(rolledOut(version, ns, "deployment/web").out())
                .contains("successfully rolled out");
        assertThat(podImages(version, ns)).hasSize(3).containsOnly("nginx:1.27");

        kubectl.ok(version, "set", "image", "deployment/web", "-n", ns, "nginx=nginx:1.28");
        assertThat(rolledOut(version, ns, "deployment/web").out())
                .contains("successfully rolled out");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(podImages(version, ns)).hasSize(3)
                .containsOnly("nginx:1.28"));
        assertThat(kubectl.ok(version, "rollout", "history", "deployment/web", "-n", ns).out()).containsPattern("(?m)^1\\s")
                .containsPattern("(?m)^2\\s");

        kubectl.ok(version, "rollout", "undo", "deployment/web", "-n", ns);
        assertThat(image(version, ns)).isEqualTo("nginx:1.27");
        rolledOut(version, ns, "deployment/web");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(podImages(version, ns)).hasSize(3)
                .containsOnly("nginx:1.27"));
        assertThat(kubectl.ok(version, "rollout", "history", "deployment/web", "-n", ns).out()).containsPattern("(?m)^2\\s")
                .containsPattern("(?m)^3\\s");

        kubectl.ok(version, "rollout", "pause", "deployment/web", "-n", ns);
        kubectl.ok(version, "set", "image", "deployment/web", "-n", ns, "nginx=nginx:1.29");
        kubectl.ok(version, "scale", "deployment/web", "-n", ns, "--replicas=4");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(podImages(version, ns)).hasSize(4)
                .as("paused: scaled, not rolled").containsOnly("nginx:1.27"));
        assertThat(kubectl.ok(version, "get", "deployment", "web", "-n", ns, "-o",
                "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}").out()).isEqualTo("DeploymentPaused");
        kubectl.ok(version, "rollout", "resume", "deployment/web", "-n", ns);
        rolledOut(version, ns, "deployment/web");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(podImages(version, ns)).hasSize(4)
                .containsOnly("nginx:1.29"));

        kubectl.ok(version, "rollout", "restart", "deployment/web", "-n", ns);
        rolledOut(version, ns, "deployment/web");
        assertThat(kubectl.ok(version, "get", "rs", "-n", ns, "-o", "name").out().lines()).hasSize(4);
    }

    @ParameterizedTest(name = "kubectl {0}: delete --cascade=background, foreground and orphan")
    @ValueSource(strings = {"1.27", "1.33"})
    void deletesCascade(String version) throws Exception {
        String ns = "cascade-" + version.replace('.', '-');
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        for (String name : List.of("bg", "fg", "orphan")) {
            kubectl.ok(version, "create", "deployment", name, "-n", ns, "--image=nginx:1.27", "--replicas=2");
        }
        for (String name : List.of("bg", "fg", "orphan")) {
            rolledOut(version, ns, "deployment/" + name);
        }

        kubectl.ok(version, "delete", "deployment", "bg", "-n", ns, "--cascade=background");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                kubectl.ok(version, "get", "rs,pods", "-n", ns, "-l", "app=bg", "-o", "name").out()).isBlank());

        // --wait (the default) returns only once the Deployment is gone, after its dependents.
        kubectl.ok(version, "delete", "deployment", "fg", "-n", ns, "--cascade=foreground");
        assertThat(kubectl.ok(version, "get", "rs", "-n", ns, "-l", "app=fg", "-o", "name").out()).isBlank();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                kubectl.ok(version, "get", "pods", "-n", ns, "-l", "app=fg", "-o", "name").out()).isBlank());

        kubectl.ok(version, "delete", "deployment", "orphan", "-n", ns, "--cascade=orphan");
        assertThat(kubectl.run(version, "get", "deployment", "orphan", "-n", ns).exitCode()).isNotZero();
        assertThat(kubectl.ok(version, "get", "rs", "-n", ns, "-l", "app=orphan", "-o", "jsonpath={.items[*].metadata.ownerReferences}")
                .out()).isBlank();
        assertThat(kubectl.ok(version, "get", "pods", "-n", ns, "-l", "app=orphan", "-o", "name").out().lines()).hasSize(2);
    }
}
