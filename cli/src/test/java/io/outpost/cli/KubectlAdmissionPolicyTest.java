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
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.outpost.testing.Prerequisites;

/**
 * Fleet policy with real kubectl 1.27 and 1.33 against the whole server in this JVM: a
 * ValidatingAdmissionPolicy and its binding applied from YAML deny a pod without memory limits
 * with the policy's message, list with kube's columns, and a policy whose CEL does not compile is
 * refused with the field path and the compiler's error, and not stored.
 *
 * <p>Each version binds its policy to a namespace of its own (by label), so the runs do not meet.
 * A new policy takes effect once the server's watch cache has it, as in kube (informers): the
 * test waits for the first refusal.
 */
@Tag("system")
class KubectlAdmissionPolicyTest {

    @TempDir
    static Path dir;

    static Server server;
    static Path bin;

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
    }

    @AfterAll
    static void stop() {
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
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("KUBECONFIG");
        pb.environment().put("HOME", Files.createDirectories(dir.resolve("home-" + version)).toString());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("kubectl %s ends", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Run ok(String version, String... args) throws Exception {
        Run run = kubectl(version, args);
        assertThat(run.exitCode()).as("kubectl %s: %s", String.join(" ", args), run.err()).isZero();
        return run;
    }

    private static Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String pod(String name, String namespace, boolean limits) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  containers:
                  - name: app
                    image: nginx:1.27
                %s""".formatted(name, namespace, limits ? """
                    resources:
                      limits:
                        memory: 64Mi
                """ : "");
    }

    @ParameterizedTest(name = "kubectl {0}: a policy denies a pod without memory limits with its message")
    @ValueSource(strings = {"1.27", "1.33"})
    void aPolicyDeniesAPodWithoutMemoryLimits(String version) throws Exception {
        String v = version.replace('.', '-');
        String ns = "edge-" + v;
        String policy = "memory-limits-" + v;
        ok(version, "create", "-f", file("ns-" + v + ".yaml", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                  labels:
                    fleet-policy: "%s"
                """.formatted(ns, v)).toString());
        Path manifests = file("policy-" + v + ".yaml", """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata:
                  name: %1$s
                spec:
                  failurePolicy: Fail
                  matchConstraints:
                    resourceRules:
                    - apiGroups: [""]
                      apiVersions: ["v1"]
                      operations: ["CREATE", "UPDATE"]
                      resources: ["pods"]
                  validations:
                  - expression: >-
                      object.spec.containers.all(c, has(c.resources) && has(c.resources.limits)
                      && has(c.resources.limits.memory))
                    message: every pod at the edge must set memory limits
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata:
                  name: %1$s-binding
                spec:
                  policyName: %1$s
                  validationActions: [Deny]
                  matchResources:
                    namespaceSelector:
                      matchLabels:
                        fleet-policy: "%2$s"
                """.formatted(policy, v));
        assertThat(ok(version, "apply", "-f", manifests.toString()).out()).contains(
                "validatingadmissionpolicy.admissionregistration.k8s.io/" + policy + " created",
                "validatingadmissionpolicybinding.admissionregistration.k8s.io/" + policy + "-binding created");

        String table = ok(version, "get", "validatingadmissionpolicies", policy).out();
        assertThat(table.lines().findFirst().orElse("")).matches("NAME\\s+VALIDATIONS\\s+PARAMKIND\\s+AGE");
        assertThat(table).containsPattern(policy + "\\s+1\\s+<unset>\\s+\\S+");
        assertThat(ok(version, "get", "validatingadmissionpolicybindings", policy + "-binding").out())
                .containsPattern("NAME\\s+POLICYNAME\\s+PARAMREF\\s+AGE")
                .containsPattern(policy + "-binding\\s+" + policy + "\\s+<unset>");

        Path noLimits = file("nomem-" + v + ".yaml", pod("nomem", ns, false));
        AtomicReference<Run> denied = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Run run = kubectl(version, "create", "-f", noLimits.toString());
            if (run.exitCode() == 0) {
                kubectl(version, "delete", "pod", "nomem", "-n", ns, "--grace-period=0");
                return false;
            }
            denied.set(run);
            return true;
        });
        // The Status is kube's (reason Invalid, message "pods \"nomem\" is forbidden: ...", one cause without a
        // field), which kubectl renders from the details as "The pods ... is invalid: : <cause>", as against kube.
        assertThat(denied.get().err()).contains("The pods \"nomem\" is invalid: : ValidatingAdmissionPolicy '" + policy
                + "' with binding '" + policy + "-binding' denied request: every pod at the edge must set memory limits");
        assertThat(kubectl(version, "get", "pod", "nomem", "-n", ns).err()).contains("NotFound");

        assertThat(ok(version, "create", "-f", file("mem-" + v + ".yaml", pod("withmem", ns, true)).toString()).out())
                .contains("pod/withmem created");
        assertThat(ok(version, "create", "-f", file("default-" + v + ".yaml", pod("free-" + v, "default", false)).toString()).out())
                .as("the binding selects only its namespace").contains("pod/free-" + v + " created");
    }

    @ParameterizedTest(name = "kubectl {0}: a Warn binding admits with a warning kubectl prints; explain knows the kind")
    @ValueSource(strings = {"1.27", "1.33"})
    void aWarnBindingAdmitsWithAWarning(String version) throws Exception {
        String v = version.replace('.', '-');
        String ns = "warn-" + v;
        String policy = "owner-label-" + v;
        ok(version, "create", "-f", file("warn-ns-" + v + ".yaml", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                  labels:
                    owners-wanted: "%s"
                """.formatted(ns, v)).toString());
        ok(version, "apply", "-f", file("warn-policy-" + v + ".yaml", """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata:
                  name: %1$s
                spec:
                  matchConstraints:
                    resourceRules:
                    - apiGroups: [""]
                      apiVersions: ["v1"]
                      operations: ["CREATE"]
                      resources: ["configmaps"]
                  validations:
                  - expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels"
                    messageExpression: "'configmap ' + object.metadata.name + ' has no owner label'"
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata:
                  name: %1$s
                spec:
                  policyName: %1$s
                  validationActions: [Warn]
                  matchResources:
                    namespaceSelector:
                      matchLabels:
                        owners-wanted: "%2$s"
                      matchExpressions:
                      - {key: never, operator: DoesNotExist}
                """.formatted(policy, v)).toString());
        AtomicReference<Run> warned = new AtomicReference<>();
        int[] attempt = {0};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Run run = ok(version, "create", "configmap", "cm-" + attempt[0]++, "-n", ns);
            warned.set(run);
            return run.err().contains("ValidatingAdmissionPolicy '" + policy + "'");
        });
        assertThat(warned.get().err()).contains("Warning: Validation failed for ValidatingAdmissionPolicy '" + policy
                + "' with binding '" + policy + "': configmap cm-" + (attempt[0] - 1) + " has no owner label");
        assertThat(warned.get().out()).contains("configmap/cm-" + (attempt[0] - 1) + " created");

        assertThat(ok(version, "explain", "validatingadmissionpolicy.spec.validations").out()).contains("expression", "messageExpression");
    }

    @ParameterizedTest(name = "kubectl {0}: a policy whose CEL does not compile is refused and not stored")
    @ValueSource(strings = {"1.27", "1.33"})
    void aPolicyWithInvalidCelIsRefused(String version) throws Exception {
        String name = "broken-" + version.replace('.', '-');
        Path manifest = file(name + ".yaml", """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata:
                  name: %s
                spec:
                  matchConstraints:
                    resourceRules:
                    - apiGroups: [""]
                      apiVersions: ["v1"]
                      operations: ["CREATE"]
                      resources: ["pods"]
                  validations:
                  - expression: "object.spec.containers.all(c, "
                """.formatted(name));
        Run run = kubectl(version, "create", "-f", manifest.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("The ValidatingAdmissionPolicy \"" + name + "\" is invalid: "
                + "spec.validations[0].expression: Invalid value: \"object.spec.containers.all(c, \": compilation failed: "
                + "ERROR: <input>:1:");
        assertThat(kubectl(version, "get", "validatingadmissionpolicy", name).err()).contains("NotFound");
    }
}
