package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Namespace deletion as kube does it, driven by real kubectl 1.27 and 1.33 against the whole
 * server in this JVM: the API server marks the namespace Terminating, the namespace controller
 * deletes its content (built-in kinds, a Deployment's children, a custom resource), writes the
 * deletion conditions and finalizes it, and only then is the namespace gone; {@code kubectl
 * delete namespace} waits for that.
 */
@Tag("system")
class KubectlNamespaceDeletionTest {

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

    static String group(String version) {
        return "ns" + version.replace(".", "") + ".example.com";
    }

    static Path crd(String version) throws Exception {
        return kubectl.file("crd-" + version + ".yaml", """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.%1$s}
                spec:
                  group: %1$s
                  scope: Namespaced
                  names: {plural: gadgets, singular: gadget, kind: Gadget}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
                """.formatted(group(version)));
    }

    static Path content(String version, String ns, String gadgetFinalizers) throws Exception {
        return kubectl.file("content-" + ns + ".yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: %1$s}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: %1$s}
                data: {mode: offline}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: token, namespace: %1$s}
                stringData: {key: value}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: %1$s}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: nginx}]}
                ---
                apiVersion: %2$s/v1
                kind: Gadget
                metadata: {name: g1, namespace: %1$s, finalizers: %3$s}
                spec: {size: 3}
                """.formatted(ns, group(version), gadgetFinalizers));
    }

    @ParameterizedTest(name = "kubectl {0}: deleting a namespace deletes its content, custom resources included, then the namespace")
    @ValueSource(strings = {"1.27", "1.33"})
    void deletingANamespaceEmptiesItThenRemovesIt(String version) throws Exception {
        kubectl.ok(version, "apply", "-f", crd(version).toString());
        kubectl.ok(version, "wait", "--for", "condition=established", "--timeout=60s", "crd/gadgets." + group(version));
        String ns = "doomed-" + version.replace('.', '-');
        kubectl.ok(version, "apply", "-f", content(version, ns, "[]").toString());
        kubectl.ok(version, "wait", "--for", "jsonpath={.status.replicas}=2", "--timeout=60s", "-n", ns, "deployment/web");

        Kubectl.Run deleted = kubectl.ok(version, "delete", "namespace", ns, "--timeout=60s");
        assertThat(deleted.out()).contains("namespace \"" + ns + "\" deleted");

        Kubectl.Run gone = kubectl.run(version, "get", "namespace", ns);
        assertThat(gone.exitCode()).isOne();
        assertThat(gone.err()).contains("namespaces \"" + ns + "\" not found");
        assertThat(kubectl.ok(version, "get", "gadgets." + group(version), "-A", "-o", "name").out()).isBlank();
        assertThat(kubectl.ok(version, "get", "pods,replicasets,configmaps", "-A", "-o", "name").out())
                .doesNotContain("web-", "settings");
    }

    @ParameterizedTest(name = "kubectl {0}: a namespace whose content a finalizer holds stays Terminating, says why, and goes once it is released")
    @ValueSource(strings = {"1.27", "1.33"})
    void aFinalizerOnContentHoldsTheNamespaceUntilReleased(String version) throws Exception {
        kubectl.ok(version, "apply", "-f", crd(version).toString());
        kubectl.ok(version, "wait", "--for", "condition=established", "--timeout=60s", "crd/gadgets." + group(version));
        String ns = "held-" + version.replace('.', '-');
        kubectl.ok(version, "apply", "-f", content(version, ns, "[example.com/hold]").toString());

        kubectl.ok(version, "delete", "namespace", ns, "--wait=false");
        kubectl.ok(version, "wait", "--for", "condition=NamespaceFinalizersRemaining", "--timeout=60s", "namespace/" + ns);
        assertThat(kubectl.ok(version, "get", "namespace", ns, "-o",
                "jsonpath={.status.phase}|{.status.conditions[?(@.type==\"NamespaceFinalizersRemaining\")].message}"
                        + "|{.status.conditions[?(@.type==\"NamespaceContentRemaining\")].message}").out())
                .isEqualTo("Terminating|Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"
                        + "|Some resources are remaining: gadgets." + group(version) + " has 1 resource instances");
        assertThat(kubectl.ok(version, "get", "configmaps", "-n", ns, "-o", "name").out()).isBlank();
        Kubectl.Run refused = kubectl.run(version, "create", "configmap", "late", "-n", ns);
        assertThat(refused.err()).contains("because it is being terminated");

        kubectl.ok(version, "patch", "gadget." + group(version), "g1", "-n", ns, "--type=merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        kubectl.ok(version, "wait", "--for=delete", "--timeout=60s", "namespace/" + ns);
        assertThat(kubectl.run(version, "get", "namespace", ns).exitCode()).isOne();
    }
}
