package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Real kubectl 1.27 and 1.33 driving DaemonSets and StatefulSets through the controllers of the
 * whole server: {@code rollout status} waits until the rollout finished, {@code rollout history}
 * lists the ControllerRevisions and {@code rollout undo} patches an old one back. Two nodes are
 * registered through the API; a {@link FakeKubelet} keeps their Leases renewed, makes bound pods
 * Ready and finishes graceful deletions, as kubelets would.
 */
@Tag("system")
class KubectlDaemonStatefulRolloutsTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static Kubectl kubectl;
    static KubernetesClient client;
    static FakeKubelet kubelet;

    @BeforeAll
    static void start() throws Exception {
        kubectl = Kubectl.find(dir, dir.resolve("data/admin.kubeconfig"));
        server = ServerFixture.start(dir);
        client = server.client();
        kubelet = new FakeKubelet(client);
        kubelet.registerNode("edge-a", Map.of("role", "edge"));
        kubelet.registerNode("edge-b", Map.of("role", "edge"));
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

    private static String namespace(String prefix, String version) {
        String ns = prefix + "-" + version.replace('.', '-');
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    /** kubectl rollout status; on a failure, the objects as they stand. */
    private static Kubectl.Run rolledOut(String version, String ns, String what) throws Exception {
        Kubectl.Run run = kubectl.run(version, "rollout", "status", what, "-n", ns, "--timeout=60s");
        if (run.exitCode() != 0) {
            Kubectl.Run state = kubectl.run(version, "get", "daemonsets,statefulsets,controllerrevisions,pods", "-n", ns, "-o", "yaml");
            throw new AssertionError("kubectl rollout status " + what + ": " + run.out() + run.err() + "\n" + state.out());
        }
        return run;
    }

    private static String podImages(String version, String ns, String app) throws Exception {
        return kubectl.ok(version, "get", "pods", "-n", ns, "-l", "app=" + app, "-o",
                "jsonpath={range .items[*]}{.spec.containers[0].image}{\" \"}{end}").out().trim();
    }

    @ParameterizedTest(name = "kubectl {0}: rollout status, history and undo of a DaemonSet")
    @ValueSource(strings = {"1.27", "1.33"})
    void aDaemonSetRollsOutAndBack(String version) throws Exception {
        String ns = namespace("ds", version);
        kubectl.ok(version, "apply", "-n", ns, "-f", kubectl.file("ds-" + version + ".yaml", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata:
                  name: shipper
                spec:
                  selector:
                    matchLabels: {app: shipper}
                  template:
                    metadata:
                      labels: {app: shipper}
                    spec:
                      nodeSelector: {role: edge}
                      containers:
                      - name: main
                        image: fluent-bit:3.1
                """).toString());
        assertThat(rolledOut(version, ns, "daemonset/shipper").out()).contains("daemon set \"shipper\" successfully rolled out");
        assertThat(kubectl.ok(version, "get", "ds", "shipper", "-n", ns).out())
                .containsPattern("shipper\\s+2\\s+2\\s+2\\s+2\\s+2\\s+role=edge");

        kubectl.ok(version, "set", "image", "daemonset/shipper", "-n", ns, "main=fluent-bit:3.2");
        assertThat(rolledOut(version, ns, "daemonset/shipper").out()).contains("successfully rolled out");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(podImages(version, ns, "shipper")).isEqualTo("fluent-bit:3.2 fluent-bit:3.2"));
        assertThat(kubectl.ok(version, "rollout", "history", "daemonset/shipper", "-n", ns).out())
                .containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");
        assertThat(kubectl.ok(version, "rollout", "history", "daemonset/shipper", "-n", ns, "--revision=1").out())
                .contains("fluent-bit:3.1");
        assertThat(kubectl.ok(version, "get", "controllerrevisions", "-n", ns).out())
                .contains("daemonset.apps/shipper");

        assertThat(kubectl.ok(version, "rollout", "undo", "daemonset/shipper", "-n", ns).out()).contains("rolled back");
        assertThat(kubectl.ok(version, "get", "ds", "shipper", "-n", ns, "-o",
                "jsonpath={.spec.template.spec.containers[0].image}").out()).isEqualTo("fluent-bit:3.1");
        rolledOut(version, ns, "daemonset/shipper");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(podImages(version, ns, "shipper")).isEqualTo("fluent-bit:3.1 fluent-bit:3.1"));
        assertThat(kubectl.ok(version, "rollout", "history", "daemonset/shipper", "-n", ns).out())
                .containsPattern("(?m)^2\\s").containsPattern("(?m)^3\\s").doesNotContainPattern("(?m)^1\\s");
    }

    @ParameterizedTest(name = "kubectl {0}: rollout status, history and undo of a StatefulSet")
    @ValueSource(strings = {"1.27", "1.33"})
    void aStatefulSetRollsOutAndBack(String version) throws Exception {
        String ns = namespace("sts", version);
        kubectl.ok(version, "apply", "-n", ns, "-f", kubectl.file("sts-" + version + ".yaml", """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: db
                spec:
                  replicas: 3
                  serviceName: db
                  selector:
                    matchLabels: {app: db}
                  template:
                    metadata:
                      labels: {app: db}
                    spec:
                      containers:
                      - name: main
                        image: postgres:17
                """).toString());
        assertThat(rolledOut(version, ns, "statefulset/db").out()).contains("partitioned roll out complete: 3 new pods have been updated");
        assertThat(kubectl.ok(version, "get", "sts", "db", "-n", ns).out()).containsPattern("db\\s+3/3");

        kubectl.ok(version, "set", "image", "statefulset/db", "-n", ns, "main=postgres:17.1");
        rolledOut(version, ns, "statefulset/db");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(podImages(version, ns, "db")).isEqualTo("postgres:17.1 postgres:17.1 postgres:17.1"));
        assertThat(kubectl.ok(version, "rollout", "history", "statefulset/db", "-n", ns).out())
                .containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");

        kubectl.ok(version, "rollout", "undo", "statefulset/db", "-n", ns);
        rolledOut(version, ns, "statefulset/db");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(podImages(version, ns, "db")).isEqualTo("postgres:17 postgres:17 postgres:17"));
    }
}
