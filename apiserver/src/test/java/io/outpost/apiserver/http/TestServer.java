package io.outpost.apiserver.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.outpost.apiserver.auth.BootstrapRolesAuthorizer;
import io.outpost.apiserver.auth.RequestAuthenticator;
import io.outpost.apiserver.auth.SelfSubjectReviews;
import io.outpost.apiserver.auth.SystemMastersAuthorizer;
import io.outpost.apiserver.auth.TokenFile;
import io.outpost.apiserver.auth.UnionAuthorizer;
import io.outpost.apiserver.auth.X509Authenticator;
import io.outpost.apiserver.health.HealthCheck;
import io.outpost.apiserver.health.HealthHandler;
import io.outpost.apiserver.health.VersionHandler;
import io.outpost.apiserver.pki.AdminKubeconfig;
import io.outpost.apiserver.pki.ClusterPki;
import io.outpost.apiserver.pki.KeyAndCertificate;

/**
 * The real HTTPS server in this JVM on a free port, with a fresh PKI in a temporary data dir, the
 * public endpoints, and whatever extra handlers a test mounts; plus java.net.http clients that
 * present the admin certificate, a token, or nothing.
 */
final class TestServer implements AutoCloseable {

    /** A user of the token file who is not in system:masters. */
    static final String ALICE_TOKEN = "alice-token-0123456789";

    final ClusterPki pki;
    final HttpsServer server;
    final Path kubeconfig;
    final Path tokenFile;

    TestServer(Path dataDir, Router.Builder extra) throws Exception {
        pki = ClusterPki.loadOrCreate(dataDir.resolve("tls"), ClusterPki.servingNames("localhost", List.of()), Clock.systemUTC());
        tokenFile = dataDir.resolve("tokens.csv");
        Files.writeString(tokenFile, ALICE_TOKEN + ",alice,1001,\"dev,ops\"\n");
        UnionAuthorizer authorizer = new UnionAuthorizer(List.of(new SystemMastersAuthorizer(), new BootstrapRolesAuthorizer()));
        new HealthHandler(List.of(new HealthCheck("datastore", () -> true))).mountOn(extra);
        extra.exact("/version", new VersionHandler("0.1.0-test", "abc123", "2026-11-25T00:00:00Z"));
        new SelfSubjectReviews(authorizer).mountOn(extra);
        server = new HttpsServer(new HttpsServerConfig(InetAddress.getLoopbackAddress(), 0, pki.serving().key(),
                List.of(pki.serving().certificate()), List.of(pki.ca().certificate()),
                new RequestAuthenticator(new X509Authenticator(pki.ca().certificate(), Clock.systemUTC()), TokenFile.load(tokenFile)),
                authorizer, extra.build(), HttpsServerConfig.DEFAULT_MAX_BODY_BYTES));
        server.start();
        kubeconfig = dataDir.resolve("admin.kubeconfig");
        AdminKubeconfig.write(kubeconfig, url(""), pki);
    }

    URI url(String pathAndQuery) {
        return URI.create("https://127.0.0.1:" + server.port() + pathAndQuery);
    }

    /** A client presenting the admin's certificate. */
    HttpClient admin() throws Exception {
        return client(pki.admin());
    }

    /** A client presenting no certificate (it may send a token). */
    HttpClient anonymous() throws Exception {
        return client(null);
    }

    /** A client presenting {@code identity}, trusting the cluster CA. */
    HttpClient client(KeyAndCertificate identity) throws Exception {
        return HttpClient.newBuilder().sslContext(sslContext(identity)).build();
    }

    SSLContext sslContext(KeyAndCertificate identity) throws Exception {
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

    @Override
    public void close() {
        server.close();
    }
}
