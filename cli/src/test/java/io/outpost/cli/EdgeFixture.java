package io.outpost.cli;

import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.outpost.agent.sync.EdgeSync;
import io.outpost.agent.sync.EdgeSyncConfig;
import io.outpost.apiserver.pki.CertificateIssuer;
import io.outpost.apiserver.pki.ClusterPki;
import io.outpost.apiserver.pki.KeyAndCertificate;

/**
 * An edge node's sync layer in this JVM, against a server of this JVM: a node client certificate
 * ({@code CN=system:node:<name>}, {@code O=system:nodes}) issued directly with the cluster CA (the
 * join flow is not needed for the tunnel), and heartbeats and back-off short enough for tests.
 */
final class EdgeFixture {

    private EdgeFixture() {
    }

    static EdgeSyncConfig config(ClusterPki pki, int port, String node, Path dataDir) throws Exception {
        SSLContext tls = sslContext(pki, identity(pki, "system:node:" + node, List.of("system:nodes")));
        return EdgeSyncConfig.defaults(URI.create("https://127.0.0.1:" + port), node, () -> tls, dataDir)
                .withHeartbeat(Duration.ofMillis(500), Duration.ofSeconds(5))
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(500));
    }

    static EdgeSync start(ClusterPki pki, int port, String node, Path dataDir) throws Exception {
        return EdgeSync.start(config(pki, port, node, dataDir));
    }

    static KeyAndCertificate identity(ClusterPki pki, String user, List<String> groups) {
        return CertificateIssuer.client(pki.ca(), user, groups, Instant.now(), Duration.ofDays(1));
    }

    static SSLContext sslContext(ClusterPki pki, KeyAndCertificate identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("me", identity.key(), new char[0], new Certificate[] {identity.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ssl;
    }

    /** A port free right now, to restart a server on the same one. */
    static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
