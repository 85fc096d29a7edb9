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
 * Real kubectl 1.27 and 1.33 against the whole server in this JVM, with a CustomResourceDefinition:
 * established, its custom objects created, listed as a table with the printer columns, patched
 * (merge and JSON patch; strategic merge is 415 as in kube), scaled, refused when invalid, and
 * deleted with the CRD. Each version uses a group of its own.
 */
@Tag("system")
class KubectlCrdTest {

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
        return "v" + version.replace(".", "") + ".example.com";
    }

    static String crd(String group) {
        return """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.%1$s}
                spec:
                  group: %1$s
                  scope: Namespaced
                  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    subresources:
                      status: {}
                      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
                    additionalPrinterColumns:
                    - {name: Color, type: string, jsonPath: .spec.color}
                    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            required: [color]
                            properties:
                              color: {type: string, enum: [red, green, blue]}
                              replicas: {type: integer, default: 1}
                          status:
                            type: object
                            properties:
                              replicas: {type: integer}
                """.formatted(group);
    }

    @ParameterizedTest(name = "kubectl {0}: a CRD is established, its objects are served as kube serves them and go with it")
    @ValueSource(strings = {"1.27", "1.33"})
    void customResourcesLiveAndDieWithTheirDefinition(String version) throws Exception {
        String group = group(version);
        kubectl.ok(version, "apply", "-f", kubectl.file("crd-" + version + ".yaml", crd(group)).toString());
        kubectl.ok(version, "wait", "--for", "condition=established", "--timeout=60s", "crd/widgets." + group);

        Path w1 = kubectl.file("w1-" + version + ".yaml", """
                apiVersion: %s/v1
                kind: Widget
                metadata: {name: w1, namespace: default}
                spec: {color: red, extra: dropped}
                """.formatted(group));
        Kubectl.Run strict = kubectl.run(version, "apply", "-f", w1.toString());
        assertThat(strict.exitCode()).as("kubectl validates strictly by default").isNotZero();
        assertThat(strict.err()).contains("strict decoding error", "unknown field \"spec.extra\"");
        kubectl.ok(version, "apply", "--validate=false", "-f", w1.toString());
        Kubectl.Run explain = kubectl.ok(version, "explain", "widgets." + group + ".spec");
        assertThat(explain.out()).as("kubectl explain reads the CRD's schema from OpenAPI").contains("color", "replicas");
        Kubectl.Run table = kubectl.ok(version, "get", "widgets." + group, "-n", "default");
        assertThat(table.out()).contains("NAME", "COLOR", "REPLICAS").containsPattern("w1\\s+red\\s+1");

        Kubectl.Run json = kubectl.ok(version, "get", "widgets." + group, "w1", "-n", "default", "-o", "jsonpath={.spec}");
        assertThat(json.out()).as("unknown fields pruned, defaults applied").doesNotContain("extra").contains("\"replicas\":1");

        kubectl.ok(version, "patch", "widgets." + group, "w1", "-n", "default", "--type", "merge", "-p", "{\"spec\":{\"color\":\"green\"}}");
        kubectl.ok(version, "patch", "widgets." + group, "w1", "-n", "default", "--type", "json",
                "-p", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]");
        Kubectl.Run strategic = kubectl.run(version, "patch", "widgets." + group, "w1", "-n", "default", "--type", "strategic",
                "-p", "{\"spec\":{\"color\":\"blue\"}}");
        assertThat(strategic.exitCode()).isNotZero();
        assertThat(strategic.err()).contains("application/strategic-merge-patch+json is not supported", "unknown format");
        kubectl.ok(version, "scale", "widgets." + group, "w1", "-n", "default", "--replicas=4");
        assertThat(kubectl.ok(version, "get", "widgets." + group, "-n", "default").out()).containsPattern("w1\\s+green\\s+4");

        Kubectl.Run bad = kubectl.run(version, "apply", "-f", kubectl.file("bad-" + version + ".yaml", """
                apiVersion: %s/v1
                kind: Widget
                metadata: {name: bad, namespace: default}
                spec: {color: purple}
                """.formatted(group)).toString());
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("is invalid", "spec.color", "Unsupported value: \"purple\"");
        assertThat(kubectl.run(version, "get", "widgets." + group, "bad", "-n", "default").exitCode()).isNotZero();

        kubectl.ok(version, "delete", "crd", "widgets." + group, "--timeout=60s");
        Kubectl.Run gone = kubectl.run(version, "get", "widgets." + group, "-n", "default");
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.err()).contains("the server doesn't have a resource type");
    }
}
