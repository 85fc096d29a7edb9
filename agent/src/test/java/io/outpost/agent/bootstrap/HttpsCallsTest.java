package io.outpost.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * The agent's one-shot HTTPS ({@link HttpsCalls} on HttpsURLConnection) against a real TLS server
 * in this JVM: answers and error bodies are read, and the server's certificate must name the
 * host dialled, except for the CA fetch, which trusts nothing and checks the bundle's hash next.
 */
class HttpsCallsTest {

    @TempDir
    Path dir;

    private final TestPki pki = TestPki.create();
    private HttpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A server on 127.0.0.1 whose certificate names {@code names}: /cacerts answers a bundle, the CSR API 401. */
    private URI serve(String... names) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(pki.server(names)));
        server.createContext("/cacerts", exchange -> answer(exchange, 200, "BUNDLE"));
        server.createContext("/apis/certificates.k8s.io/v1/certificatesigningrequests", exchange -> answer(exchange, 401,
                "{\"kind\":\"Status\",\"message\":\"Unauthorized\",\"seen\":\""
                        + exchange.getRequestHeaders().getFirst("Authorization") + "\"}"));
        server.start();
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private SSLContext trustingTheCa() {
        return TlsContexts.trusting(pki.ca());
    }

    @Test
    void aServerWhoseCertificateNamesTheHostAnswersAndAnErrorsBodyIsRead() throws Exception {
        URI base = serve("127.0.0.1");
        HttpsCalls calls = new HttpsCalls(trustingTheCa(), java.time.Duration.ofSeconds(10), Map.of("Authorization", "Bearer t.s"));
        HttpsCalls.Response ca = calls.get(base.resolve("/cacerts"));
        assertThat(ca.status()).isEqualTo(200);
        assertThat(ca.text()).isEqualTo("BUNDLE");
        HttpsCalls.Response refused = calls.post(base.resolve("/apis/certificates.k8s.io/v1/certificatesigningrequests"),
                "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.text()).contains("\"message\":\"Unauthorized\"").contains("\"seen\":\"Bearer t.s\"");
    }

    @Test
    void aServerWhoseCertificateNamesAnotherHostIsRefusedInTheHandshake() throws Exception {
        URI base = serve("server.invalid");
        HttpsCalls calls = new HttpsCalls(trustingTheCa(), java.time.Duration.ofSeconds(10), Map.of());
        assertThatThrownBy(() -> calls.get(base.resolve("/cacerts")))
                .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("127.0.0.1");
    }

    @Test
    void aCsrToAServerWhoseCertificateNamesAnotherHostFailsNamingTheTlsSanFlagAndSendsNoToken() throws Exception {
        URI base = serve("server.invalid");
        BootstrapConfig config = BootstrapConfig.of(base, "", "edge-1", dir);
        try (CsrClient csrs = new CsrClient(config, trustingTheCa(), Optional.of("abcdef.0123456789abcdef"))) {
            assertThatThrownBy(() -> csrs.requestCertificate(NodeCertificates.newKey()))
                    .isInstanceOf(BootstrapException.class)
                    .hasMessageContaining("the TLS handshake with --server " + base + " failed")
                    .hasMessageContaining("outpost server --tls-san HOST");
        }
    }

    @Test
    void aCsrRefusedWith401SaysTheTokenIsNotAccepted() throws Exception {
        URI base = serve("127.0.0.1");
        BootstrapConfig config = BootstrapConfig.of(base, "", "edge-1", dir);
        try (CsrClient csrs = new CsrClient(config, trustingTheCa(), Optional.of("abcdef.0123456789abcdef"))) {
            assertThatThrownBy(() -> csrs.requestCertificate(NodeCertificates.newKey()))
                    .isInstanceOf(BootstrapException.class)
                    .hasMessageContaining("the server does not accept the --token");
        }
    }

    @Test
    void theCaFetchTrustsNoCertificateYetSoAnyNameIsReadAndLeftToTheTokensHash() throws Exception {
        URI base = serve("server.invalid");
        assertThat(Bootstrap.fetchCa(base)).isEqualTo("BUNDLE");
    }

    @Test
    void aServerThatIsNotThereIsReportedAsUnreachableNamingTheFlag() throws Exception {
        URI base = serve("127.0.0.1");
        server.stop(0);
        server = null;
        assertThatThrownBy(() -> Bootstrap.fetchCa(base))
                .isInstanceOf(BootstrapException.class)
                .hasMessageContaining("cannot fetch the cluster CA at --server " + base + ": connection refused or unreachable");
    }
}
