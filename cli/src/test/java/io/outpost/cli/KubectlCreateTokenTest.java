package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import tools.jackson.databind.JsonNode;

/**
 * Real kubectl 1.27 and 1.33 with {@code kubectl create token}: a token for the {@code default}
 * service account (1.33 sends the TokenRequest as protobuf), one bound to a pod, kube's message
 * for a too short {@code --duration}, and discovery listing {@code serviceaccounts/token}.
 */
@Tag("system")
class KubectlCreateTokenTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static Kubectl kubectl;
    static KubernetesClient admin;
    static java.net.URI url;
    static javax.net.ssl.SSLContext trustOnly;

    @BeforeAll
    static void start() throws Exception {
        kubectl = Kubectl.find(dir, dir.resolve("data/admin.kubeconfig"));
        server = ServerFixture.start(dir);
        admin = server.client();
        url = java.net.URI.create("https://127.0.0.1:" + server.port());
        trustOnly = EdgeFixture.sslContext(server.server().api().pki(), null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A namespace of its own per kubectl version, once the controller has made its default service account. */
    static String namespace(String version) {
        String ns = "kubectl-" + version.replace('.', '-');
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> admin.serviceAccounts().inNamespace(ns).withName("default").get() != null);
        return ns;
    }

    @ParameterizedTest(name = "kubectl {0}")
    @ValueSource(strings = {"1.27", "1.33"})
    void createTokenGivesTokensThatAuthenticate(String version) throws Exception {
        String ns = namespace(version);
        String token = kubectl.ok(version, "create", "token", "default", "-n", ns).out().strip();
        JsonNode user = ServiceAccountTokenTest.whoami(url, trustOnly, token);
        assertThat(user.path("username").asString()).isEqualTo("system:serviceaccount:" + ns + ":default");

        Pod pod = admin.pods().inNamespace(ns).resource(ServiceAccountTokenTest.pod("p", "default")).create();
        String bound = kubectl.ok(version, "create", "token", "default", "-n", ns, "--bound-object-kind", "Pod",
                "--bound-object-name", "p", "--duration", "20m").out().strip();
        JsonNode boundUser = ServiceAccountTokenTest.whoami(url, trustOnly, bound);
        assertThat(boundUser.path("extra").path("authentication.kubernetes.io/pod-uid").get(0).asString())
                .isEqualTo(pod.getMetadata().getUid());

        Kubectl.Run tooShort = kubectl.run(version, "create", "token", "default", "-n", ns, "--duration", "5m");
        assertThat(tooShort.exitCode()).isNotZero();
        assertThat(tooShort.err()).contains("may not specify a duration less than 10 minutes");

        Kubectl.Run missing = kubectl.run(version, "create", "token", "ghost", "-n", ns);
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("serviceaccounts \"ghost\" not found");

        String resources = kubectl.ok(version, "get", "--raw", "/api/v1").out();
        JsonNode subresource = null;
        for (JsonNode r : tools.jackson.databind.json.JsonMapper.builder().build().readTree(resources).path("resources")) {
            if (r.path("name").asString().equals("serviceaccounts/token")) {
                subresource = r;
            }
        }
        assertThat(subresource).as(resources).isNotNull();
        assertThat(subresource.path("group").asString()).isEqualTo("authentication.k8s.io");
        assertThat(subresource.path("kind").asString()).isEqualTo("TokenRequest");
        assertThat(subresource.path("verbs").toString()).isEqualTo("[\"create\"]");
    }
}
