package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.agent.bootstrap.Bootstrap;
import io.outpost.agent.bootstrap.BootstrapConfig;
import io.outpost.agent.bootstrap.BootstrapException;
import io.outpost.api.JoinToken;

/**
 * {@code outpost token create|list|delete} against the whole server: a created token joins a
 * node, is listed with its TTL and description, and once deleted no longer authenticates; the
 * server's own {@code DATA/node-token} comes back with its Secret after a restart; bad input
 * names the flag and the fix.
 */
class TokenCommandTest {

    @TempDir
    Path dir;

    static int bootstrapStatus(URI url, String bearer) throws Exception {
        HttpClient insecure = HttpClient.newBuilder().sslContext(insecure()).build();
        return insecure.send(HttpRequest.newBuilder(url.resolve("/apis/certificates.k8s.io/v1/certificatesigningrequests"))
                .header("Authorization", "Bearer " + bearer).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static javax.net.ssl.SSLContext insecure() throws Exception {
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
            @Override public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
            @Override public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }}, null);
        return tls;
    }

    @Test
    void aCreatedTokenJoinsIsListedAndOnceDeletedNoLongerAuthenticates() throws Exception {
        try (ServerFixture server = ServerFixture.start(dir)) {
            URI url = URI.create("https://127.0.0.1:" + server.port());
            String data = server.dataDir().toString();
            Cli created = Cli.run("token", "create", "--data-dir", data, "--ttl", "2h", "--description", "site 12 gateways");
            assertThat(created.exitCode()).as(created.err()).isZero();
            JoinToken token = JoinToken.parse(created.out().strip());
            assertThat(token.text()).isEqualTo(created.out().strip()).startsWith("K10");
            assertThat(token.caHash()).contains(JoinToken.hash(Files.readString(server.dataDir().resolve("tls/ca.crt"))));

            Cli listed = Cli.run(Cli.user(Map.of("OUTPOST_DATA_DIR", data)), "token", "list");
            assertThat(listed.exitCode()).as(listed.err()).isZero();
            assertThat(listed.out()).contains("ID", "TTL", "EXPIRES", "DESCRIPTION")
                    .containsPattern(token.id() + "\\s+(1h|2h)\\s+\\S+Z\\s+site 12 gateways")
                    .contains(JoinToken.parse(Files.readString(server.dataDir().resolve("node-token"))).id())
                    .doesNotContain(token.secret());

            Bootstrap.join(new BootstrapConfig(url, token.text(), "edge-7", dir.resolve("agent"), java.time.Clock.systemUTC(),
                    Duration.ofSeconds(60), Duration.ofMillis(100), java.util.Optional.empty()));
            assertThat(bootstrapStatus(url, token.bearer())).isEqualTo(200);

            Cli deleted = Cli.run("token", "delete", "--data-dir", data, token.id());
            assertThat(deleted.exitCode()).as(deleted.err()).isZero();
            assertThat(deleted.out()).contains("bootstrap token \"" + token.id() + "\" deleted");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bootstrapStatus(url, token.bearer())).isEqualTo(401));
            assertThatThrownBy(() -> Bootstrap.join(new BootstrapConfig(url, token.text(), "edge-8", dir.resolve("agent-8"),
                    java.time.Clock.systemUTC(), Duration.ofSeconds(60), Duration.ofMillis(100), java.util.Optional.empty())))
                    .isInstanceOf(BootstrapException.class).hasMessageContaining("does not accept the --token");

            Cli again = Cli.run("token", "delete", "--data-dir", data, token.id());
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("token " + token.id() + " does not exist", "outpost token list");
        }
    }

    @Test
    void anExpiredTokenNoLongerAuthenticates() throws Exception {
        try (ServerFixture server = ServerFixture.start(dir)) {
            URI url = URI.create("https://127.0.0.1:" + server.port());
            Cli created = Cli.run(Cli.user(Map.of("OUTPOST_TTL", "2s", "OUTPOST_DATA_DIR", server.dataDir().toString())),
                    "token", "create");
            assertThat(created.exitCode()).as(created.err()).isZero();
            JoinToken token = JoinToken.parse(created.out().strip());
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(bootstrapStatus(url, token.bearer())).isEqualTo(401));
        }
    }

    @Test
    void theNodeTokenIsKeptAcrossRestartsAndItsDeletedSecretMadeAgain() throws Exception {
        String first;
        try (ServerFixture server = ServerFixture.start(dir)) {
            first = Files.readString(server.dataDir().resolve("node-token")).strip();
            KubernetesClient admin = server.client();
            admin.secrets().inNamespace("kube-system").withName("bootstrap-token-" + JoinToken.parse(first).id()).delete();
        }
        try (ServerFixture server = ServerFixture.start(dir)) {
            assertThat(Files.readString(server.dataDir().resolve("node-token")).strip()).isEqualTo(first);
            URI url = URI.create("https://127.0.0.1:" + server.port());
            assertThat(bootstrapStatus(url, JoinToken.parse(first).bearer())).isEqualTo(200);
        }
    }

    @Test
    void badInputNamesTheFlagAndTheFix() {
        Cli ttl = Cli.run("token", "create", "--data-dir", dir.toString(), "--ttl", "1 day");
        assertThat(ttl.exitCode()).isEqualTo(2);
        assertThat(ttl.err()).contains("--ttl", "'1 day' is not a duration", "24h");
        Cli noServer = Cli.run("token", "list", "--data-dir", dir.resolve("nowhere").toString());
        assertThat(noServer.exitCode()).isEqualTo(2);
        assertThat(noServer.err()).contains("--data-dir", "no readable admin.kubeconfig");
        Cli badId = Cli.run("token", "delete", "--data-dir", dir.toString(), "NOT-AN-ID");
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err()).contains("'NOT-AN-ID' is neither a token id");
        Cli none = Cli.run("token");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("a subcommand is required: create, list or delete");
    }
}
