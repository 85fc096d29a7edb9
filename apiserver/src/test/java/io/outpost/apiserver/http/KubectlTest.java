package io.outpost.apiserver.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.outpost.apiserver.pki.Pem;
import io.outpost.testing.Prerequisites;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real kubectl, the oldest and newest we support, against the real HTTPS server in this JVM,
 * with the admin kubeconfig the server wrote. kubectl's binaries are found next to the one on the
 * PATH (kubectl.1.27 ... kubectl.1.33, as the gcloud SDK installs them).
 */
@Tag("system")
class KubectlTest {

    @TempDir
    static Path dir;

    static TestServer server;
    static Path bin;
    static Path home;
    static Path basicAuthKubeconfig;
    static Path aliceKubeconfig;

    @BeforeAll
    static void start() throws Exception {
        String kubectl = Prerequisites.requireBinary("kubectl", "google-cloud-cli-kubectl (or kubectl from the gcloud SDK)");
        bin = Path.of(kubectl).toRealPath().getParent();
        for (String version : List.of("1.27", "1.33")) {
            Prerequisites.require(Files.isExecutable(bin.resolve("kubectl." + version)),
                    "kubectl." + version + " is not next to " + bin.resolve("kubectl") + "; install the gcloud SDK's kubectl component");
        }
        server = new TestServer(dir.resolve("data"), Router.builder());
        home = Files.createDirectories(dir.resolve("home"));
        // A credential the server does not accept (basic auth left Kubernetes in 1.19); a user with no
        // credential at all makes kubectl prompt for a user name instead of sending the request.
        basicAuthKubeconfig = kubeconfig("basic", "{username: nobody, password: secret}");
        aliceKubeconfig = kubeconfig("alice", "{token: " + TestServer.ALICE_TOKEN + "}");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Path kubeconfig(String name, String user) throws IOException {
        String ca = Base64.getEncoder().encodeToString(Pem.of(server.pki.ca().certificate()).getBytes(UTF_8));
        return Files.writeString(dir.resolve(name + ".kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: outpost, cluster: {server: "%s", certificate-authority-data: %s}}]
                users: [{name: %s, user: %s}]
                contexts: [{name: outpost, context: {cluster: outpost, user: %s}}]
                current-context: outpost
                """.formatted(server.url(""), ca, name, user, name));
    }

    record Run(int exitCode, String out, String err) {
    }

    private static Run kubectl(String version, Path kubeconfig, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(bin.resolve("kubectl." + version).toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("KUBECONFIG");
        pb.environment().put("HOME", home.toString()); // its discovery cache goes here, not in ours
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("kubectl %s ends", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @ParameterizedTest(name = "kubectl {0} version reports a 1.33 server")
    @ValueSource(strings = {"1.27", "1.33"})
    void versionReportsTheServerAs133(String version) throws Exception {
        Run run = kubectl(version, server.kubeconfig, "version", "-o", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode server = JsonMapper.builder().build().readTree(run.out()).get("serverVersion");
        assertThat(server.get("major").asString()).isEqualTo("1");
        assertThat(server.get("minor").asString()).isEqualTo("33");
        assertThat(server.get("gitVersion").asString()).startsWith("v1.33.0+outpost");
    }

    @ParameterizedTest(name = "kubectl {0} get --raw /healthz prints ok")
    @ValueSource(strings = {"1.27", "1.33"})
    void healthzPrintsOk(String version) throws Exception {
        Run run = kubectl(version, server.kubeconfig, "get", "--raw", "/healthz");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("ok");
    }

    @ParameterizedTest(name = "kubectl {0} get --raw /readyz?verbose lists the checks")
    @ValueSource(strings = {"1.27", "1.33"})
    void readyzVerboseListsTheChecks(String version) throws Exception {
        Run run = kubectl(version, server.kubeconfig, "get", "--raw", "/readyz?verbose");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("[+]ping ok\n[+]datastore ok\nreadyz check passed\n");
    }

    @ParameterizedTest(name = "kubectl {0} without accepted credentials is told to log in")
    @ValueSource(strings = {"1.27", "1.33"})
    void noAcceptedCredentialIsUnauthorized(String version) throws Exception {
        Run run = kubectl(version, basicAuthKubeconfig, "get", "--raw", "/api/v1/namespaces/default/pods");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("error: You must be logged in to the server (Unauthorized)");
    }

    @ParameterizedTest(name = "kubectl {0} as a token user outside system:masters is forbidden")
    @ValueSource(strings = {"1.27", "1.33"})
    void aTokenUserIsForbidden(String version) throws Exception {
        Run run = kubectl(version, aliceKubeconfig, "get", "--raw", "/api/v1/namespaces/default/pods");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("Error from server (Forbidden): pods is forbidden: User \"alice\" cannot list resource"
                + " \"pods\" in API group \"\" in the namespace \"default\"");
    }

    // kubectl 1.27 sends these reviews as JSON, 1.33 as protobuf (k8s\0 + runtime.Unknown).

    @ParameterizedTest(name = "kubectl {0} auth whoami names the token's user and groups")
    @ValueSource(strings = {"1.27", "1.33"})
    void whoami(String version) throws Exception {
        Run run = kubectl(version, aliceKubeconfig, "auth", "whoami");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("Username\\s+alice").containsPattern("Groups\\s+\\[dev ops system:authenticated\\]");
    }

    @ParameterizedTest(name = "kubectl {0} auth can-i answers through the authorizer")
    @ValueSource(strings = {"1.27", "1.33"})
    void canI(String version) throws Exception {
        Run yes = kubectl(version, aliceKubeconfig, "auth", "can-i", "get", "/healthz");
        Run no = kubectl(version, aliceKubeconfig, "auth", "can-i", "get", "/metrics");
        Run admin = kubectl(version, server.kubeconfig, "auth", "can-i", "get", "/metrics");

        assertThat(yes.out().strip()).isEqualTo("yes");
        assertThat(no.out().strip()).isEqualTo("no");
        assertThat(no.exitCode()).isEqualTo(1);
        assertThat(admin.out().strip()).isEqualTo("yes");
    }

    @ParameterizedTest(name = "kubectl {0} auth can-i on a resource and --list answer through the authorizer")
    @ValueSource(strings = {"1.27", "1.33"})
    void canIOnResourcesAndList(String version) throws Exception {
        Run admin = kubectl(version, server.kubeconfig, "auth", "can-i", "get", "pods", "-n", "default");
        Run alice = kubectl(version, aliceKubeconfig, "auth", "can-i", "delete", "pods", "-n", "default");
        Run list = kubectl(version, server.kubeconfig, "auth", "can-i", "--list", "-n", "default");

        assertThat(admin.out().strip()).as(admin.err()).isEqualTo("yes");
        assertThat(alice.out().strip()).as(alice.err()).isEqualTo("no");
        assertThat(alice.exitCode()).isEqualTo(1);
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("*.*");
    }
}
