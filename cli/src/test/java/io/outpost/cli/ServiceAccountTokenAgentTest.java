package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.apiserver.pki.Pem;
import io.outpost.cli.AgentConfig.AgentRuntime;
import io.outpost.testing.Prerequisites;
import tools.jackson.databind.JsonNode;

/**
 * Service-account tokens through the tunnel to a real agent: the server with its agent in this
 * JVM running pods as host processes. A pod whose service account's token is projected (the
 * {@code kube-api-access-} volume) finds the token, the cluster CA and its namespace in its
 * volume; the token authenticates as the service account bound to the pod and its node, and no
 * longer once the pod is deleted.
 */
class ServiceAccountTokenAgentTest {

    private static final String NODE = "token-node";

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient admin;
    static URI url;
    static SSLContext trustOnly;
    static Path out;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireBinary("sh", "dash");
        server = ServerFixture.start(dir, c -> c.withLocalAgent(new LocalAgent(Optional.of(NODE), AgentRuntime.PROCESS, "", Map.of())));
        admin = server.client();
        url = URI.create("https://127.0.0.1:" + server.port());
        trustOnly = EdgeFixture.sslContext(server.server().api().pki(), null);
        out = Files.createDirectories(dir.resolve("out"));
        admin.serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata().withName("reader")
                .endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A pod that copies its service-account volume's files to {@code out/NAME/} and stays up. */
    static Pod reader(String name) {
        String copy = "mkdir -p \"$OUT/$POD\" && cp \"$OUTPOST_ROOT/var/run/secrets/kubernetes.io/serviceaccount/\"* \"$OUT/$POD/\""
                + " && while true; do sleep 1; done";
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withServiceAccountName("reader")
                .withNodeName(NODE)
                .addNewContainer().withName("c").withImage("busybox").withCommand("sh", "-c", copy)
                .addNewEnv().withName("OUT").withValue(out.toString()).endEnv()
                .addNewEnv().withName("POD").withValue(name).endEnv()
                .addNewVolumeMount().withName("kube-api-access-test1").withMountPath("/var/run/secrets/kubernetes.io/serviceaccount")
                .withReadOnly(true).endVolumeMount().endContainer()
                .addNewVolume().withName("kube-api-access-test1").withNewProjected().withDefaultMode(420)
                .addNewSource().withNewServiceAccountToken().withPath("token").withExpirationSeconds(3607L).endServiceAccountToken().endSource()
                .addNewSource().withNewConfigMap().withName("kube-root-ca.crt").addNewItem().withKey("ca.crt").withPath("ca.crt").endItem()
                .endConfigMap().endSource()
                .addNewSource().withNewDownwardAPI().addNewItem().withPath("namespace").withNewFieldRef().withApiVersion("v1")
                .withFieldPath("metadata.namespace").endFieldRef().endItem().endDownwardAPI().endSource()
                .endProjected().endVolume().endSpec().build();
    }

    @Test
    void aPodsProjectedTokenAuthenticatesAsItsServiceAccountUntilThePodIsDeleted() throws Exception {
        Pod pod = admin.pods().inNamespace("default").resource(reader("token-reader")).create();
        Path files = out.resolve("token-reader");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(files.resolve("namespace")));
        String token = Files.readString(files.resolve("token")).strip();
        assertThat(Files.readString(files.resolve("namespace"))).isEqualTo("default");
        assertThat(Files.readString(files.resolve("ca.crt"))).isEqualTo(Pem.of(server.server().api().pki().ca().certificate()));

        JsonNode user = ServiceAccountTokenTest.whoami(url, trustOnly, token);
        assertThat(user.path("username").asString()).isEqualTo("system:serviceaccount:default:reader");
        assertThat(user.path("extra").path("authentication.kubernetes.io/pod-uid").get(0).asString()).isEqualTo(pod.getMetadata().getUid());
        assertThat(user.path("extra").path("authentication.kubernetes.io/node-name").get(0).asString()).isEqualTo(NODE);

        admin.pods().inNamespace("default").withName("token-reader").withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.pods().inNamespace("default").withName("token-reader").get() == null);
        assertThat(ServiceAccountTokenTest.call(url, trustOnly, token, "GET", "/api", null).statusCode()).isEqualTo(401);
    }
}
