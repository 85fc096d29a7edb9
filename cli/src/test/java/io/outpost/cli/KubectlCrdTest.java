package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.outpost.testing.Prerequisites;

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

    private static Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
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
        ok(version, "apply", "-f", file("crd-" + version + ".yaml", crd(group)).toString());
        ok(version, "wait", "--for", "condition=established", "--timeout=60s", "crd/widgets." + group);

        Path w1 = file("w1-" + version + ".yaml", """
                apiVersion: %s/v1
                kind: Widget
                metadata: {name: w1, namespace: default}
                spec: {color: red, extra: dropped}
                """.formatted(group));
        Run strict = kubectl(version, "apply", "-f", w1.toString());
        assertThat(strict.exitCode()).as("kubectl validates strictly by default").isNotZero();
        assertThat(strict.err()).contains("strict decoding error", "unknown field \"spec.extra\"");
        ok(version, "apply", "--validate=false", "-f", w1.toString());
        Run explain = ok(version, "explain", "widgets." + group + ".spec");
        assertThat(explain.out()).as("kubectl explain reads the CRD's schema from OpenAPI").contains("color", "replicas");
        Run table = ok(version, "get", "widgets." + group, "-n", "default");
        assertThat(table.out()).contains("NAME", "COLOR", "REPLICAS").containsPattern("w1\\s+red\\s+1");

        Run json = ok(version, "get", "widgets." + group, "w1", "-n", "default", "-o", "jsonpath={.spec}");
        assertThat(json.out()).as("unknown fields pruned, defaults applied").doesNotContain("extra").contains("\"replicas\":1");

        ok(version, "patch", "widgets." + group, "w1", "-n", "default", "--type", "merge", "-p", "{\"spec\":{\"color\":\"green\"}}");
        ok(version, "patch", "widgets." + group, "w1", "-n", "default", "--type", "json",
                "-p", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]");
        Run strategic = kubectl(version, "patch", "widgets." + group, "w1", "-n", "default", "--type", "strategic",
                "-p", "{\"spec\":{\"color\":\"blue\"}}");
        assertThat(strategic.exitCode()).isNotZero();
        assertThat(strategic.err()).contains("application/strategic-merge-patch+json is not supported", "unknown format");
        ok(version, "scale", "widgets." + group, "w1", "-n", "default", "--replicas=4");
        assertThat(ok(version, "get", "widgets." + group, "-n", "default").out()).containsPattern("w1\\s+green\\s+4");

        Run bad = kubectl(version, "apply", "-f", file("bad-" + version + ".yaml", """
                apiVersion: %s/v1
                kind: Widget
                metadata: {name: bad, namespace: default}
                spec: {color: purple}
                """.formatted(group)).toString());
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("is invalid", "spec.color", "Unsupported value: \"purple\"");
        assertThat(kubectl(version, "get", "widgets." + group, "bad", "-n", "default").exitCode()).isNotZero();

        ok(version, "delete", "crd", "widgets." + group, "--timeout=60s");
        Run gone = kubectl(version, "get", "widgets." + group, "-n", "default");
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.err()).contains("the server doesn't have a resource type");
    }
}
