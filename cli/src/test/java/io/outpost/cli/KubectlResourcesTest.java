package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real kubectl, the oldest and newest we support, against the whole server in this JVM (SQLite
 * store, HTTPS, discovery, the registry) through the admin kubeconfig it wrote: the everyday
 * verbs on built-in kinds, in several namespaces, and the server's answers to bad input.
 *
 * <p>Each version works in a namespace of its own, so the two runs do not see each other.
 */
@Tag("system")
class KubectlResourcesTest {

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

    /** From a JSON manifest; the protobuf body of `kubectl create namespace` has a test of its own. */
    private static void createNamespace(String version, String name) throws Exception {
        Path manifest = kubectl.file("ns-" + name + ".json", """
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}""".formatted(name));
        kubectl.ok(version, "create", "-f", manifest.toString());
    }

    private static void createConfigMap(String version, String namespace, String name) throws Exception {
        Path manifest = kubectl.file("cm-" + namespace + "-" + name + ".json", """
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","namespace":"%s"}}""".formatted(name, namespace));
        kubectl.ok(version, "create", "-f", manifest.toString());
    }

    private static String ns(String version) {
        return "team-" + version.replace('.', '-');
    }

    @ParameterizedTest(name = "kubectl {0} creates, lists by label, gets and deletes objects in a namespace of its own")
    @ValueSource(strings = {"1.27", "1.33"})
    void theEverydayVerbsWork(String version) throws Exception {
        String ns = ns(version);
        Path manifest = kubectl.file("objects-" + version + ".yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: %s}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: %s, labels: {tier: edge}}
                data: {mode: offline}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: other, namespace: %s, labels: {tier: core}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: %s, labels: {tier: edge}}
                spec:
                  containers: [{name: app, image: busybox}]
                """.formatted(ns, ns, ns, ns));

        assertThat(kubectl.ok(version, "create", "-f", manifest.toString()).out())
                .contains("namespace/" + ns + " created", "configmap/settings created", "pod/web created");

        assertThat(kubectl.ok(version, "get", "configmaps,pods", "-n", ns, "-l", "tier=edge", "-o", "name").out().lines())
                .containsExactlyInAnyOrder("configmap/settings", "pod/web");
        assertThat(kubectl.ok(version, "get", "cm", "settings", "-n", ns, "-o", "jsonpath={.data.mode} {.metadata.uid}").out())
                .matches("offline [0-9a-f-]{36}");
        assertThat(kubectl.ok(version, "get", "namespaces", "-o", "name").out().lines())
                .contains("namespace/default", "namespace/kube-system", "namespace/" + ns);

        assertThat(kubectl.ok(version, "delete", "configmap", "settings", "-n", ns).out()).contains("configmap \"settings\" deleted");
        Kubectl.Run gone = kubectl.run(version, "get", "configmap", "settings", "-n", ns);
        assertThat(gone.exitCode()).isOne();
        assertThat(gone.err()).contains("Error from server (NotFound): configmaps \"settings\" not found");
    }

    @ParameterizedTest(name = "kubectl {0} applies a deployment twice, labels and scales it, and prints kube's table")
    @ValueSource(strings = {"1.27", "1.33"})
    void applyTwiceLabelScaleAndTables(String version) throws Exception {
        String ns = "apply-" + version.replace('.', '-');
        createNamespace(version, ns);
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: %s}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - {name: app, image: "nginx:%s", ports: [{containerPort: 80}]}
                %s""";
        Path first = kubectl.file("deploy-1-" + version + ".yaml", deployment.formatted(ns, 2, "1.25", "      - {name: sidecar, image: busybox}\n"));
        Path second = kubectl.file("deploy-2-" + version + ".yaml", deployment.formatted(ns, 3, "1.26", ""));

        // Validation on (the default): 1.27 reads /openapi/v2 (protobuf) and both read /openapi/v3,
        // find the fieldValidation parameter and leave validation to the server.
        assertThat(kubectl.ok(version, "apply", "-f", first.toString()).out()).contains("deployment.apps/web created");
        assertThat(kubectl.ok(version, "apply", "-f", second.toString()).out()).contains("deployment.apps/web configured");
        assertThat(kubectl.ok(version, "get", "deploy", "web", "-n", ns, "-o",
                "jsonpath={.spec.replicas} {.spec.template.spec.containers[*].name} {.spec.template.spec.containers[0].image} {.metadata.generation}").out())
                .as("the strategic merge patch removed the sidecar and bumped the generation").isEqualTo("3 app nginx:1.26 2");

        kubectl.ok(version, "label", "deploy", "web", "-n", ns, "tier=edge");
        kubectl.ok(version, "scale", "deploy", "web", "-n", ns, "--replicas=5");
        List<String> table = kubectl.ok(version, "get", "deploy", "-n", ns, "-o", "wide", "--show-labels").out().lines().toList();
        assertThat(table.getFirst()).matches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR\\s+LABELS");
        // The deployment controller is creating pods meanwhile (UP-TO-DATE moves); no kubelet makes one ready.
        assertThat(table.get(1)).matches("web\\s+0/5\\s+\\d\\s+0\\s+\\S+\\s+app\\s+nginx:1.26\\s+app=web\\s+tier=edge");

        kubectl.ok(version, "label", "deploy", "web", "-n", ns, "tier-");
        assertThat(kubectl.ok(version, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.metadata.labels}").out()).isEmpty();
    }

    @ParameterizedTest(name = "kubectl {0} get -w lists, then sees a configmap created after the list")
    @ValueSource(strings = {"1.27", "1.33"})
    void aWatchSeesNewObjects(String version) throws Exception {
        String ns = "watch-" + version.replace('.', '-');
        createNamespace(version, ns);
        createConfigMap(version, ns, "seed");
        // The root CA publisher gives every namespace its kube-root-ca.crt, as in kube: once it is
        // there, the watch's list holds both, and only "live" can come after.
        await().atMost(60, TimeUnit.SECONDS).until(() -> kubectl.run(version, "get", "configmap", "kube-root-ca.crt", "-n", ns)
                .exitCode() == 0);
        Process watch = kubectl.command(version, "get", "configmaps", "-n", ns, "-w", "-o", "name")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
                    in.lines().forEach(lines::add);
                } catch (Exception ignored) {
                    // The process is destroyed at the end of the test.
                }
            });
            // The seed comes with the watch's list; anything created after kubectl printed it is
            // newer than that list, so it can only arrive through the watch stream.
            assertThat(List.of(lines.poll(60, TimeUnit.SECONDS), lines.poll(60, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder("configmap/seed", "configmap/kube-root-ca.crt");
            createConfigMap(version, ns, "live");
            assertThat(lines.poll(60, TimeUnit.SECONDS)).isEqualTo("configmap/live");
        } finally {
            watch.destroy();
        }
    }

    @ParameterizedTest(name = "kubectl {0} is told what is wrong with a bad object and nothing is stored")
    @ValueSource(strings = {"1.27", "1.33"})
    void badInputGetsAStatusAndStoresNothing(String version) throws Exception {
        String ns = "bad-" + version.replace('.', '-');
        createNamespace(version, ns);
        Path wrongKind = kubectl.file("wrong-kind-" + version + ".json", """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}""");
        Kubectl.Run mismatch = kubectl.run(version, "create", "--raw", "/api/v1/namespaces/" + ns + "/configmaps", "-f", wrongKind.toString());
        assertThat(mismatch.exitCode()).isOne();
        assertThat(mismatch.err()).contains("Error from server (BadRequest)");

        Path malformed = kubectl.file("malformed-" + version + ".json", "{\"apiVersion\": \"v1\", \"kind\": ");
        Kubectl.Run broken = kubectl.run(version, "create", "--raw", "/api/v1/namespaces/" + ns + "/configmaps", "-f", malformed.toString());
        assertThat(broken.exitCode()).isOne();
        assertThat(broken.err()).contains("Error from server (BadRequest)");

        Kubectl.Run missingNamespace = kubectl.run(version, "create", "configmap", "c", "-n", "no-such-namespace");
        assertThat(missingNamespace.exitCode()).isOne();
        assertThat(missingNamespace.err()).contains("namespaces \"no-such-namespace\" not found");

        assertThat(userConfigMaps(version, ns)).isEmpty();
        assertThat(kubectl.ok(version, "get", "--raw", "/readyz").out()).isEqualTo("ok");
    }

    @ParameterizedTest(name = "kubectl {0} apply of an object with an unknown field fails with kube's strict decoding error")
    @ValueSource(strings = {"1.27", "1.33"})
    void applyRejectsAnUnknownField(String version) throws Exception {
        String ns = "strict-" + version.replace('.', '-');
        createNamespace(version, ns);
        Path typo = kubectl.file("typo-" + version + ".yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: typo, namespace: %s}
                dta: {mode: offline}
                """.formatted(ns));
        Kubectl.Run run = kubectl.run(version, "apply", "-f", typo.toString());
        assertThat(run.exitCode()).isOne();
        assertThat(run.err()).contains("Error from server (BadRequest)", "strict decoding error: unknown field \"dta\"");
        assertThat(userConfigMaps(version, ns)).isEmpty();
    }

    /** The ConfigMaps of {@code ns} but the root CA publisher's {@code kube-root-ca.crt}. */
    private static List<String> userConfigMaps(String version, String ns) throws Exception {
        return kubectl.ok(version, "get", "configmaps", "-n", ns, "-o", "name").out().lines()
                .filter(l -> !l.isBlank() && !l.equals("configmap/kube-root-ca.crt")).toList();
    }

    /** 1.27 reads the definitions of /openapi/v2 (protobuf), 1.33 the per group-version v3 documents. */
    @ParameterizedTest(name = "kubectl {0} explain finds a deployment's fields in the OpenAPI documents")
    @ValueSource(strings = {"1.27", "1.33"})
    void explainDescribesAField(String version) throws Exception {
        String out = kubectl.ok(version, "explain", "deployment.spec.replicas").out();
        assertThat(out).contains("GROUP:", "apps", "KIND:", "Deployment", "VERSION:", "v1", "FIELD: replicas <integer>");
        assertThat(kubectl.ok(version, "explain", "pods.spec").out()).contains("containers\t<[]Container>");
    }

    @ParameterizedTest(name = "kubectl {0} create generators (protobuf bodies from 1.32 on) store what they say")
    @ValueSource(strings = {"1.27", "1.33"})
    void createGeneratorsStoreTheirObjects(String version) throws Exception {
        String ns = "gen-" + version.replace('.', '-');
        assertThat(kubectl.ok(version, "create", "namespace", ns).out()).contains("namespace/" + ns + " created");
        kubectl.ok(version, "create", "configmap", "c", "--from-literal=a=b", "-n", ns);
        kubectl.ok(version, "create", "secret", "generic", "s", "--from-literal=k=v", "-n", ns);
        kubectl.ok(version, "create", "deployment", "d", "--image=busybox", "-n", ns);

        assertThat(kubectl.ok(version, "get", "namespace", ns, "-o", "jsonpath={.status.phase}").out()).isEqualTo("Active");
        assertThat(kubectl.ok(version, "get", "configmap", "c", "-n", ns, "-o", "jsonpath={.data.a}").out()).isEqualTo("b");
        assertThat(kubectl.ok(version, "get", "secret", "s", "-n", ns, "-o", "jsonpath={.type} {.data.k}").out()).isEqualTo("Opaque dg==");
        assertThat(kubectl.ok(version, "get", "deployment", "d", "-n", ns,
                "-o", "jsonpath={.spec.replicas} {.spec.selector.matchLabels.app} {.spec.template.spec.containers[0].image}").out())
                .isEqualTo("1 d busybox");
        assertThat(kubectl.ok(version, "get", "configmap", "c", "-n", ns, "-o", "jsonpath={.metadata.creationTimestamp}").out())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    }

    @ParameterizedTest(name = "kubectl {0}: a finalizer holds a deletion until it is removed; dry runs and cascades are accepted")
    @ValueSource(strings = {"1.27", "1.33"})
    void aFinalizerHoldsADeletionUntilRemoved(String version) throws Exception {
        String ns = "fin-" + version.replace('.', '-');
        createNamespace(version, ns);
        Path manifest = kubectl.file("held-" + version + ".yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: held, namespace: %s, finalizers: [example.com/keep]}
                """.formatted(ns));
        kubectl.ok(version, "create", "-f", manifest.toString());

        assertThat(kubectl.ok(version, "delete", "configmap", "held", "-n", ns, "--dry-run=server").out()).contains("(server dry run)");
        assertThat(kubectl.ok(version, "get", "configmap", "held", "-n", ns, "-o", "jsonpath={.metadata.deletionTimestamp}").out()).isEmpty();

        kubectl.ok(version, "delete", "configmap", "held", "-n", ns, "--wait=false");
        assertThat(kubectl.ok(version, "get", "configmap", "held", "-n", ns, "-o", "jsonpath={.metadata.deletionTimestamp}").out())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        Kubectl.Run more = kubectl.run(version, "patch", "configmap", "held", "-n", ns, "--type=json",
                "-p", "[{\"op\":\"add\",\"path\":\"/metadata/finalizers/-\",\"value\":\"example.com/more\"}]");
        assertThat(more.exitCode()).isNotZero();
        assertThat(more.err()).contains("no new finalizers can be added if the object is being deleted");

        kubectl.ok(version, "patch", "configmap", "held", "-n", ns, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        Kubectl.Run gone = kubectl.run(version, "get", "configmap", "held", "-n", ns);
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.err()).contains("configmaps \"held\" not found");

        // Without a garbage collector in this server, a cascade policy is accepted and the object goes at once.
        createConfigMap(version, ns, "orphaned");
        assertThat(kubectl.ok(version, "delete", "configmap", "orphaned", "-n", ns, "--cascade=orphan").out()).contains("deleted");
        assertThat(kubectl.run(version, "get", "configmap", "orphaned", "-n", ns).exitCode()).isNotZero();
    }
}
