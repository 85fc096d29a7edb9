package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        kubectl.ok(version, "create", "-f", kubectl.file("ns-" + v + ".yaml", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                  labels:
                    fleet-policy: "%s"
                """.formatted(ns, v)).toString());
        Path manifests = kubectl.file("policy-" + v + ".yaml", """
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
        assertThat(kubectl.ok(version, "apply", "-f", manifests.toString()).out()).contains(
                "validatingadmissionpolicy.admissionregistration.k8s.io/" + policy + " created",
                "validatingadmissionpolicybinding.admissionregistration.k8s.io/" + policy + "-binding created");

        String table = kubectl.ok(version, "get", "validatingadmissionpolicies", policy).out();
        assertThat(table.lines().findFirst().orElse("")).matches("NAME\\s+VALIDATIONS\\s+PARAMKIND\\s+AGE");
        assertThat(table).containsPattern(policy + "\\s+1\\s+<unset>\\s+\\S+");
        assertThat(kubectl.ok(version, "get", "validatingadmissionpolicybindings", policy + "-binding").out())
                .containsPattern("NAME\\s+POLICYNAME\\s+PARAMREF\\s+AGE")
                .containsPattern(policy + "-binding\\s+" + policy + "\\s+<unset>");

        Path noLimits = kubectl.file("nomem-" + v + ".yaml", pod("nomem", ns, false));
        AtomicReference<Kubectl.Run> denied = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Kubectl.Run run = kubectl.run(version, "create", "-f", noLimits.toString());
            if (run.exitCode() == 0) {
                kubectl.run(version, "delete", "pod", "nomem", "-n", ns, "--grace-period=0");
                return false;
            }
            denied.set(run);
            return true;
        });
        // The Status is kube's (reason Invalid, message "pods \"nomem\" is forbidden: ...", one cause without a
        // field), which kubectl renders from the details as "The pods ... is invalid: : <cause>", as against kube.
        assertThat(denied.get().err()).contains("The pods \"nomem\" is invalid: : ValidatingAdmissionPolicy '" + policy
                + "' with binding '" + policy + "-binding' denied request: every pod at the edge must set memory limits");
        assertThat(kubectl.run(version, "get", "pod", "nomem", "-n", ns).err()).contains("NotFound");

        assertThat(kubectl.ok(version, "create", "-f", kubectl.file("mem-" + v + ".yaml", pod("withmem", ns, true)).toString()).out())
                .contains("pod/withmem created");
        assertThat(kubectl.ok(version, "create", "-f", kubectl.file("default-" + v + ".yaml", pod("free-" + v, "default", false)).toString()).out())
                .as("the binding selects only its namespace").contains("pod/free-" + v + " created");
    }

    @ParameterizedTest(name = "kubectl {0}: a Warn binding admits with a warning kubectl prints; explain knows the kind")
    @ValueSource(strings = {"1.27", "1.33"})
    void aWarnBindingAdmitsWithAWarning(String version) throws Exception {
        String v = version.replace('.', '-');
        String ns = "warn-" + v;
        String policy = "owner-label-" + v;
        kubectl.ok(version, "create", "-f", kubectl.file("warn-ns-" + v + ".yaml", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %s
                  labels:
                    owners-wanted: "%s"
                """.formatted(ns, v)).toString());
        kubectl.ok(version, "apply", "-f", kubectl.file("warn-policy-" + v + ".yaml", """
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
        AtomicReference<Kubectl.Run> warned = new AtomicReference<>();
        int[] attempt = {0};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Kubectl.Run run = kubectl.ok(version, "create", "configmap", "cm-" + attempt[0]++, "-n", ns);
            warned.set(run);
            return run.err().contains("ValidatingAdmissionPolicy '" + policy + "'");
        });
        assertThat(warned.get().err()).contains("Warning: Validation failed for ValidatingAdmissionPolicy '" + policy
                + "' with binding '" + policy + "': configmap cm-" + (attempt[0] - 1) + " has no owner label");
        assertThat(warned.get().out()).contains("configmap/cm-" + (attempt[0] - 1) + " created");

        assertThat(kubectl.ok(version, "explain", "validatingadmissionpolicy.spec.validations").out()).contains("expression", "messageExpression");
    }

    @ParameterizedTest(name = "kubectl {0}: a policy whose CEL does not compile is refused and not stored")
    @ValueSource(strings = {"1.27", "1.33"})
    void aPolicyWithInvalidCelIsRefused(String version) throws Exception {
        String name = "broken-" + version.replace('.', '-');
        Path manifest = kubectl.file(name + ".yaml", """
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
        Kubectl.Run run = kubectl.run(version, "create", "-f", manifest.toString());
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("The ValidatingAdmissionPolicy \"" + name + "\" is invalid: "
                + "spec.validations[0].expression: Invalid value: \"object.spec.containers.all(c, \": compilation failed: "
                + "ERROR: <input>:1:");
        assertThat(kubectl.run(version, "get", "validatingadmissionpolicy", name).err()).contains("NotFound");
    }
}
