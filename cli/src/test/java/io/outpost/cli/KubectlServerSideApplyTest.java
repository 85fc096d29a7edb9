package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real kubectl 1.27 and 1.33 doing server-side apply against the whole server in this JVM: two
 * field managers and a conflict, {@code --force-conflicts}, a client-side apply taken over by
 * {@code apply --server-side} (kubectl's managedFields migration), and a client-side apply after
 * that. Each version works in a namespace of its own.
 */
@Tag("system")
class KubectlServerSideApplyTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        kubectl = Kubectl.find(dir, dir.resolve("data/admin.kubeconfig"));
        server = ServerFixture.start(dir);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Path deployment(String name, String ns, int replicas, String image) throws Exception {
        return kubectl.file(name + "-" + ns + "-" + replicas + "-" + image.replace(':', '_') + ".yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %s, namespace: %s}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers:
                      - {name: app, image: "%s"}
                """.formatted(name, ns, replicas, name, name, image));
    }

    private static void namespace(String version, String ns) throws Exception {
        kubectl.ok(version, "create", "-f", kubectl.file("ns-" + ns + ".json", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}").toString());
    }

    /** The managers of the Deployment but the deployment controller's own (status, revision), as in kube. */
    private static String managers(String version, String ns, String name) throws Exception {
        String all = kubectl.ok(version, "get", "deploy", name, "-n", ns, "--show-managed-fields", "-o",
                "jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation} {end}").out().trim();
        return String.join(" ", java.util.Arrays.stream(all.split(" "))
                .filter(m -> !m.startsWith("kube-controller-manager/")).toList());
    }

    @ParameterizedTest(name = "kubectl {0}: two field managers conflict on replicas, and --force-conflicts takes it over")
    @ValueSource(strings = {"1.27", "1.33"})
    void twoManagersConflictUntilForced(String version) throws Exception {
        String ns = "ssa-" + version.replace('.', '-');
        namespace(version, ns);
        assertThat(kubectl.ok(version, "apply", "--server-side", "-f", deployment("web", ns, 2, "nginx:1.25").toString()).out())
                .contains("deployment.apps/web serverside-applied");
        assertThat(kubectl.ok(version, "apply", "--server-side", "-f", deployment("web", ns, 2, "nginx:1.25").toString()).out())
                .as("applying the same configuration again is fine").contains("deployment.apps/web serverside-applied");
        assertThat(managers(version, ns, "web")).isEqualTo("kubectl/Apply");

        Path scaled = deployment("web", ns, 4, "nginx:1.25");
        Kubectl.Run conflict = kubectl.run(version, "apply", "--server-side", "--field-manager=ops", "-f", scaled.toString());
        assertThat(conflict.exitCode()).isNotZero();
        assertThat(conflict.err()).contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas");
        assertThat(kubectl.ok(version, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}").out()).isEqualTo("2");

        kubectl.ok(version, "apply", "--server-side", "--field-manager=ops", "--force-conflicts", "-f", scaled.toString());
        assertThat(kubectl.ok(version, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}").out()).isEqualTo("4");
        assertThat(managers(version, ns, "web")).contains("kubectl/Apply", "ops/Apply");

        Kubectl.Run dryRun = kubectl.ok(version, "apply", "--server-side", "--dry-run=server", "--force-conflicts", "-f",
                deployment("web", ns, 7, "nginx:1.26").toString());
        assertThat(dryRun.out()).contains("serverside-applied (server dry run)");
        assertThat(kubectl.ok(version, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}").out()).isEqualTo("4");
    }

    @ParameterizedTest(name = "kubectl {0}: a client-side apply is taken over by apply --server-side, then client-side apply still works")
    @ValueSource(strings = {"1.27", "1.33"})
    void clientSideThenServerSide(String version) throws Exception {
        String ns = "migrate-" + version.replace('.', '-');
        namespace(version, ns);
        Path withSidecar = kubectl.file("api-sidecar-" + version + ".yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: %s}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: api}}
                  template:
                    metadata: {labels: {app: api}}
                    spec:
                      containers:
                      - {name: app, image: "nginx:1.25"}
                      - {name: sidecar, image: busybox}
                """.formatted(ns));
        assertThat(kubectl.ok(version, "apply", "-f", withSidecar.toString()).out()).contains("deployment.apps/api created");
        assertThat(managers(version, ns, "api")).isEqualTo("kubectl-client-side-apply/Update");

        Kubectl.Run taken = kubectl.ok(version, "apply", "--server-side", "-f", deployment("api", ns, 3, "nginx:1.26").toString());
        assertThat(taken.out()).contains("deployment.apps/api serverside-applied");
        assertThat(kubectl.ok(version, "get", "deploy", "api", "-n", ns, "-o",
                "jsonpath={.spec.replicas} {.spec.template.spec.containers[*].name} {.spec.template.spec.containers[0].image}").out())
                .as("once kubectl owns the client-side fields, the sidecar it no longer applies goes").isEqualTo("3 app nginx:1.26");
        assertThat(managers(version, ns, "api")).as("kubectl moved the client-side fields to its Apply entry")
                .contains("kubectl/Apply").doesNotContain("kubectl-client-side-apply");
        assertThat(kubectl.ok(version, "get", "deploy", "api", "-n", ns, "-o",
                "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}").out())
                .as("the last-applied annotation follows the server-side apply").contains("\"replicas\":3");

        assertThat(kubectl.ok(version, "apply", "-f", deployment("api", ns, 2, "nginx:1.27").toString()).out()).contains("deployment.apps/api configured");
        assertThat(kubectl.ok(version, "get", "deploy", "api", "-n", ns, "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}").out())
                .isEqualTo("2 nginx:1.27");
    }

    @ParameterizedTest(name = "kubectl {0}: a service's ports merge by port and protocol, and a port no longer applied goes")
    @ValueSource(strings = {"1.27", "1.33"})
    void servicePortsAreAMapList(String version) throws Exception {
        String ns = "svc-" + version.replace('.', '-');
        namespace(version, ns);
        String service = """
                apiVersion: v1
                kind: Service
                metadata: {name: edge, namespace: %s}
                spec:
                  selector: {app: %s}
                  ports:
                %s""";
        Path first = kubectl.file("svc-1-" + version + ".yaml", service.formatted(ns, "one",
                "  - {name: http, port: 80, targetPort: 8080}\n  - {name: dns, port: 53, protocol: UDP}\n"));
        Path second = kubectl.file("svc-2-" + version + ".yaml", service.formatted(ns, "two", "  - {name: http, port: 80, targetPort: 9090}\n"));
        kubectl.ok(version, "apply", "--server-side", "-f", first.toString());
        kubectl.ok(version, "apply", "--server-side", "-f", second.toString());
        assertThat(kubectl.ok(version, "get", "svc", "edge", "-n", ns, "-o",
                "jsonpath={range .spec.ports[*]}{.port}/{.protocol}->{.targetPort} {end}{.spec.selector}").out())
                .isEqualTo("80/TCP->9090 {\"app\":\"two\"}");
        assertThat(kubectl.ok(version, "get", "svc", "edge", "-n", ns, "--show-managed-fields", "-o",
                "jsonpath={.metadata.managedFields[0].fieldsV1.f:spec.f:ports}").out())
                .contains("k:{\\\"port\\\":80,\\\"protocol\\\":\\\"TCP\\\"}");
    }
}
