package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.testing.Prerequisites;

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

    static Server server;
    static Path bin;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        String kubectl = Prerequisites.requireBinary("kubectl", "the gcloud SDK's kubectl component");
        bin = Path.of(kubectl).toRealPath().getParent();
        for (String version : List.of("1.27", "1.33")) {
            Prerequisites.require(Files.isExecutable(bin.resolve("kubectl." + version)),
                    "kubectl." + version + " is not next to " + bin.resolve("kubectl"));
        }
        server = new Server(new ServerConfig(dir.resolve("data"), new Datastore.Sqlite()).withPort(0));
        server.start();
        client = Fabric8ClientTest.fabric8(dir.resolve("data"));
        SchedulerIntegrationTest.node(client, "control-plane", "4",
                new Taint("NoSchedule", "node-role.kubernetes.io/control-plane", null, null));
        SchedulerIntegrationTest.node(client, "small", "1", null);
        SchedulerIntegrationTest.node(client, "big", "4", null);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    record Run(int exitCode, String out, String err) {
    }

    private static Run kubectl(String version, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(bin.resolve("kubectl." + version).toString(),
                "--kubeconfig", dir.resolve("data/admin.kubeconfig").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("KUBECONFIG");
        pb.environment().put("HOME", Files.createDirectories(dir.resolve("home-" + version)).toString());
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("kubectl %s ends", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Run ok(String version, String... args) throws Exception {
        Run run = kubectl(version, args);
        assertThat(run.exitCode()).as("kubectl %s: %s", String.join(" ", args), run.err()).isZero();
        return run;
    }

    @ParameterizedTest(name = "kubectl {0}: a pod is scheduled onto the node with room; one that fits nowhere is described with kube's FailedScheduling message")
    @ValueSource(strings = {"1.27", "1.33"})
    void podsAreScheduledAndFailuresDescribed(String version) throws Exception {
        String ns = "sched-" + version.replace('.', '-');
        ok(version, "create", "namespace", ns);
        Path manifest = Files.writeString(dir.resolve("pods-" + version + ".yaml"), """
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
        ok(version, "apply", "-f", manifest.toString());

        await().atMost(WAIT).untilAsserted(() -> assertThat(
                ok(version, "get", "pod", "web", "-n", ns, "-o", "jsonpath={.spec.nodeName}").out()).isEqualTo("big"));
        assertThat(ok(version, "get", "pod", "web", "-n", ns, "-o", "wide").out()).contains("big");

        await().atMost(WAIT).untilAsserted(() -> {
            String described = ok(version, "describe", "pod", "huge", "-n", ns).out();
            assertThat(described).contains("FailedScheduling");
            assertThat(described.replaceAll("\\s+", " ")).contains("0/3 nodes are available: "
                    + "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.");
        });
        assertThat(ok(version, "get", "pod", "huge", "-n", ns, "-o", "jsonpath={.spec.nodeName}").out()).isEmpty();
        String events = ok(version, "get", "events", "-n", ns).out();
        assertThat(events).contains("Scheduled").contains("Successfully assigned " + ns + "/web to big");
        // Bound to a node without a kubelet, the pod stays Terminating for its grace period and beyond,
        // as in kube: kubectl's wait for it to be gone would never end.
        ok(version, "delete", "pod", "web", "-n", ns, "--wait=false");
    }
}
