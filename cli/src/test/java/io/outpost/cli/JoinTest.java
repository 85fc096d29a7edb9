package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.agent.bootstrap.Bootstrap;
import io.outpost.agent.bootstrap.BootstrapConfig;
import io.outpost.agent.bootstrap.BootstrapException;
import io.outpost.agent.bootstrap.CertificateRotator;
import io.outpost.agent.bootstrap.NodeIdentity;
import io.outpost.api.JoinToken;
import io.outpost.testing.FakeClock;

/**
 * Edge nodes join the whole server in this JVM with the agent's bootstrap library: with the
 * token of {@code DATA/node-token} a node gets a certificate for {@code system:node:<name>},
 * signed by the cluster CA after the server's approver and signer acted, and uses it; a wrong
 * secret or a token pinning another CA stops the join with an error naming {@code --token};
 * a restart reuses the identity; renewal gives a new certificate before the old one expires.
 */
class JoinTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient admin;
    static URI url;

    @BeforeAll
    static void start() throws IOException {
        server = ServerFixture.start(dir);
        admin = server.client();
        url = URI.create("https://127.0.0.1:" + server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String nodeToken() throws IOException {
        return Files.readString(server.dataDir().resolve("node-token")).strip();
    }

    static BootstrapConfig config(String token, String node) {
        return new BootstrapConfig(url, token, node, dir.resolve("agent-" + node), java.time.Clock.systemUTC(),
                Duration.ofSeconds(60), Duration.ofMillis(100), java.util.Optional.empty());
    }

    static HttpResponse<String> call(SSLContext tls, String method, String path, String body) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(url.resolve(path)).header("Content-Type", "application/json")
                .header("Accept", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theServerWritesAJoinTokenThatPinsItsCaAndOnlyItsOwnerMayRead() throws Exception {
        Path file = server.dataDir().resolve("node-token");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        JoinToken token = JoinToken.parse(nodeToken());
        String bundle = Files.readString(server.dataDir().resolve("tls/ca.crt"));
        assertThat(token.caHash()).contains(JoinToken.hash(bundle));
        assertThat(admin.secrets().inNamespace("kube-system").withName("bootstrap-token-" + token.id()).get().getType())
                .isEqualTo("bootstrap.kubernetes.io/token");
    }

    @Test
    void aNodeJoinsWithTheNodeTokenAndThenActsAsItself() throws Exception {
        NodeIdentity identity = Bootstrap.join(config(nodeToken(), "edge-1"));

        assertThat(identity.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=system:node:edge-1,O=system:nodes");
        identity.certificate().verify(identity.ca().getPublicKey());
        SSLContext tls = identity.sslContext();
        assertThat(call(tls, "POST", "/api/v1/nodes", """
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"edge-1"}}""").statusCode()).isEqualTo(201);
        assertThat(call(tls, "GET", "/api/v1/nodes/edge-1", null).statusCode()).isEqualTo(200);
        assertThat(call(tls, "POST", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", """
                {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"edge-1"},
                 "spec":{"holderIdentity":"edge-1","leaseDurationSeconds":40}}""").statusCode()).isEqualTo(201);
        HttpResponse<String> other = call(tls, "GET", "/api/v1/nodes/edge-other", null);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).contains("User \\\"system:node:edge-1\\\" cannot get resource \\\"nodes\\\"");
        assertThat(call(tls, "GET", "/api/v1/namespaces/default/configmaps", null).statusCode()).isEqualTo(403);

        NodeIdentity again = Bootstrap.join(config("", "edge-1"));
        assertThat(again.certificate()).as("a restart reuses the stored identity").isEqualTo(identity.certificate());
    }

    @Test
    void aWrongSecretIsRefusedWithAnErrorNamingTheToken() throws Exception {
        JoinToken real = JoinToken.parse(nodeToken());
        String wrong = "K10" + real.caHash().orElseThrow() + "::" + real.id() + ".0000000000000000";
        assertThatThrownBy(() -> Bootstrap.join(config(wrong, "edge-bad")))
                .isInstanceOf(BootstrapException.class)
                .hasMessageContaining("does not accept the --token")
                .hasMessageContaining("outpost token create");
        assertThatThrownBy(() -> Bootstrap.join(config("nonsense", "edge-bad")))
                .isInstanceOf(BootstrapException.class).hasMessageStartingWith("--token: not a join token");
    }

    @Test
    void aTokenPinningAnotherCaStopsTheJoinBeforeTheTokenIsSent() throws Exception {
        JoinToken real = JoinToken.parse(nodeToken());
        String tampered = "K10" + "0".repeat(64) + "::" + real.bearer();
        assertThatThrownBy(() -> Bootstrap.join(config(tampered, "edge-mitm")))
                .isInstanceOf(BootstrapException.class)
                .hasMessageContaining("--token pins " + "0".repeat(64))
                .hasMessageContaining(real.caHash().orElseThrow())
                .hasMessageContaining("the token was not sent");
        assertThat(dir.resolve("agent-edge-mitm/pki/node.crt")).doesNotExist();
    }

    @Test
    void aRenewalGivesANewCertificateBeforeTheOldOneExpires() throws Exception {
        BootstrapConfig config = config(nodeToken(), "edge-renew").withRequestedDuration(Duration.ofMinutes(10));
        NodeIdentity first = Bootstrap.join(config);
        assertThat(Duration.between(first.notBefore(), first.notAfter())).as("10 minutes, backdated 5").isEqualTo(Duration.ofMinutes(15));

        FakeClock clock = new FakeClock(java.time.Instant.now());
        CertificateRotator rotator = new CertificateRotator(first, config.withClock(clock), new Random(7));
        assertThat(rotator.nextRotationDeadline()).isBetween(first.notBefore().plus(Duration.ofSeconds(630)),
                first.notBefore().plus(Duration.ofSeconds(756)));
        assertThat(rotator.rotateIfDue()).as("not yet due").isFalse();
        List<NodeIdentity> seen = new java.util.ArrayList<>();
        rotator.onRotation(seen::add);
        clock.advance(Duration.between(clock.instant(), rotator.nextRotationDeadline()));
        assertThat(rotator.rotateIfDue()).isTrue();

        NodeIdentity renewed = rotator.current();
        assertThat(seen).containsExactly(renewed);
        assertThat(renewed.certificate().getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
        assertThat(renewed.notAfter()).isAfter(first.notAfter().minusSeconds(1));
        assertThat(renewed.certificate().getSubjectX500Principal()).isEqualTo(first.certificate().getSubjectX500Principal());
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName("edge-renew").endMetadata().build()).create();
        assertThat(call(rotator.sslContext(), "GET", "/api/v1/nodes/edge-renew", null).statusCode()).isEqualTo(200);
        assertThat(Bootstrap.join(config(nodeToken(), "edge-renew")).certificate())
                .as("the renewed certificate is the stored one").isEqualTo(renewed.certificate());
        rotator.close();
    }

    @Test
    void aNodeCutOffPastItsCertificatesLifeJoinsAgainWithItsToken() throws Exception {
        NodeIdentity first = Bootstrap.join(config(nodeToken(), "edge-away").withRequestedDuration(Duration.ofMinutes(10)));
        FakeClock clock = new FakeClock(first.notAfter().plusSeconds(1));
        // The renewal asks for longer, so that the new certificate is valid at the fake clock's time.
        BootstrapConfig later = config(nodeToken(), "edge-away").withRequestedDuration(Duration.ofMinutes(30)).withClock(clock);
        CertificateRotator rotator = new CertificateRotator(first, later, new Random(3));
        assertThat(rotator.rotateIfDue()).isTrue();
        assertThat(rotator.current().certificate().getSerialNumber()).isNotEqualTo(first.certificate().getSerialNumber());
        assertThat(rotator.current().notAfter()).isAfter(clock.instant());
        assertThatThrownBy(() -> new CertificateRotator(first, config("", "edge-away2").withClock(clock), new Random(3)).rotate())
                .isInstanceOf(BootstrapException.class).hasMessageContaining("--token");
        rotator.close();
    }

    @Test
    void aBadNodeNameNamesTheFlag() {
        assertThatThrownBy(() -> Bootstrap.join(config("x", "Edge_1"))).isInstanceOf(BootstrapException.class)
                .hasMessageStartingWith("--node-name 'Edge_1': a node name is a DNS subdomain");
    }

    @Test
    void aDeletedNodeTokenSecretIsMadeAgainOnRestartAndTheFileKept() throws Exception {
        // Covered across a real restart in TokenCommandTest; here: the Secret carries what the file says.
        JoinToken token = JoinToken.parse(nodeToken());
        var secret = admin.secrets().inNamespace("kube-system").withName("bootstrap-token-" + token.id()).get();
        assertThat(BootstrapTokenSecrets.data(secret, "token-secret")).isEqualTo(token.secret());
        assertThat(BootstrapTokenSecrets.data(secret, "usage-bootstrap-authentication")).isEqualTo("true");
        assertThat(Map.of("expiration", BootstrapTokenSecrets.data(secret, "expiration"))).containsEntry("expiration", "");
    }
}
