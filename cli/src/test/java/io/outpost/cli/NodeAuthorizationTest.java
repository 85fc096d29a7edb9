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
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.agent.bootstrap.Bootstrap;
import io.outpost.agent.bootstrap.BootstrapConfig;
import io.outpost.agent.bootstrap.NodeIdentity;
import io.outpost.apiserver.pki.CertificateIssuer;
import io.outpost.apiserver.pki.KeyAndCertificate;
import io.outpost.apiserver.pki.Pem;

/**
 * The node authorizer against the whole server: node A, joined with its own certificate, reads
 * its own pods and the Secrets and ConfigMaps they use, and gets kube's 403 for node B's pods, for
 * a Secret no pod of its uses, and for a list of pods not limited to itself. A certificate for
 * {@code system:node:a} made by another CA is refused in the TLS handshake.
 */
class NodeAuthorizationTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient admin;
    static URI url;
    static SSLContext nodeA;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        admin = server.client();
        url = URI.create("https://127.0.0.1:" + server.port());
        String token = Files.readString(server.dataDir().resolve("node-token")).strip();
        NodeIdentity a = Bootstrap.join(new BootstrapConfig(url, token, "a", dir.resolve("agent-a"), java.time.Clock.systemUTC(),
                Duration.ofSeconds(60), Duration.ofMillis(100), java.util.Optional.empty()));
        nodeA = a.sslContext();
        admin.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("a-secret").endMetadata()
                .addToStringData("k", "v").build()).create();
        admin.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("b-secret").endMetadata()
                .addToStringData("k", "v").build()).create();
        admin.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("lonely").endMetadata()
                .addToStringData("k", "v").build()).create();
        admin.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("a-config").endMetadata()
                .addToData("k", "v").build()).create();
        admin.pods().inNamespace("default").resource(pod("pod-a", "a", "a-secret", "a-config")).create();
        admin.pods().inNamespace("default").resource(pod("pod-b", "b", "b-secret", "a-config")).create();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static io.fabric8.kubernetes.api.model.Pod pod(String name, String node, String secret, String configMap) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withNodeName(node)
                .addNewContainer().withName("c").withImage("busybox")
                .addNewEnv().withName("S").withNewValueFrom().withNewSecretKeyRef("k", secret, false).endValueFrom().endEnv()
                .endContainer()
                .addNewVolume().withName("cfg").withNewConfigMap().withName(configMap).endConfigMap().endVolume()
                .endSpec().build();
    }

    record Case(String sentence, String method, String path, int status) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static List<Case> cases() {
        String pods = "/api/v1/namespaces/default/pods";
        return List.of(
                new Case("a node reads a pod bound to it", "GET", pods + "/pod-a", 200),
                new Case("a node cannot read a pod bound to another node", "GET", pods + "/pod-b", 403),
                new Case("a node lists the pods bound to it by field selector", "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Da", 200),
                new Case("a node cannot list another node's pods", "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Db", 403),
                new Case("a node cannot list every pod", "GET", pods, 403),
                new Case("a node reads a Secret its pod uses", "GET", "/api/v1/namespaces/default/secrets/a-secret", 200),
                new Case("a node cannot read a Secret only another node's pod uses", "GET", "/api/v1/namespaces/default/secrets/b-secret", 403),
                new Case("a node cannot read a Secret no pod uses", "GET", "/api/v1/namespaces/default/secrets/lonely", 403),
                new Case("a node cannot list Secrets", "GET", "/api/v1/namespaces/default/secrets", 403),
                new Case("a node reads a ConfigMap its pod mounts", "GET", "/api/v1/namespaces/default/configmaps/a-config", 200),
                new Case("a node cannot read a Deployment", "GET", "/apis/apps/v1/namespaces/default/deployments", 403),
                new Case("a node may still read discovery", "GET", "/api", 200));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aNodeSeesOnlyWhatItsPodsUse(Case c) throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().sslContext(nodeA).build().send(
                HttpRequest.newBuilder(url.resolve(c.path())).method(c.method(), HttpRequest.BodyPublishers.noBody())
                        .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());
        if (c.status() == 403) {
            assertThat(response.body()).contains("\"reason\":\"Forbidden\"", "User \\\"system:node:a\\\" cannot");
        }
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return HttpClient.newBuilder().sslContext(nodeA).build().send(HttpRequest.newBuilder(url.resolve(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNodeCreatesOnlyItsOwnNodeAndLease() throws Exception {
        HttpResponse<String> otherNode = post("/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"b\"}}");
        assertThat(otherNode.statusCode()).isEqualTo(403);
        assertThat(otherNode.body()).contains("node \\\"a\\\" is not allowed to modify node \\\"b\\\"");
        String lease = "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"%s\"}}";
        HttpResponse<String> otherLease = post("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease.formatted("b"));
        assertThat(otherLease.statusCode()).isEqualTo(403);
        assertThat(otherLease.body()).contains("can only access node lease with the same name as the requesting node");
        assertThat(post("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease.formatted("a")).statusCode())
                .isEqualTo(201);
        assertThat(post("/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"a\"}}")
                .statusCode()).isEqualTo(201);
    }

    @Test
    void aNodeGetsKubesReasonForAPodOfAnotherNode() throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().sslContext(nodeA).build().send(
                HttpRequest.newBuilder(url.resolve("/api/v1/namespaces/default/pods/pod-b")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).contains("pods \\\"pod-b\\\" is forbidden: User \\\"system:node:a\\\" cannot get resource"
                + " \\\"pods\\\" in API group \\\"\\\" in the namespace \\\"default\\\": no relationship found between node 'a'"
                + " and this object");
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedInTheHandshake() throws Exception {
        Instant now = Instant.now();
        KeyAndCertificate forgedCa = CertificateIssuer.selfSignedCa("forged-ca", now, Duration.ofDays(1));
        KeyAndCertificate forged = CertificateIssuer.client(forgedCa, "system:node:a", List.of("system:nodes"), now, Duration.ofDays(1));
        // Presents the forged certificate whatever CAs the server asks for (the JDK's own key
        // manager would send none, and the request would only be anonymous).
        javax.net.ssl.X509ExtendedKeyManager presenter = new javax.net.ssl.X509ExtendedKeyManager() {
            @Override public String[] getClientAliases(String t, java.security.Principal[] i) { return new String[] {"f"}; }
            @Override public String chooseClientAlias(String[] t, java.security.Principal[] i, java.net.Socket s) { return "f"; }
            @Override public String chooseEngineClientAlias(String[] t, java.security.Principal[] i, javax.net.ssl.SSLEngine e) { return "f"; }
            @Override public String[] getServerAliases(String t, java.security.Principal[] i) { return null; }
            @Override public String chooseServerAlias(String t, java.security.Principal[] i, java.net.Socket s) { return null; }
            @Override public java.security.cert.X509Certificate[] getCertificateChain(String a) {
                return new java.security.cert.X509Certificate[] {forged.certificate()};
            }
            @Override public java.security.PrivateKey getPrivateKey(String a) { return forged.key(); }
        };
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.readCertificate(server.dataDir().resolve("tls/ca.crt")));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(new javax.net.ssl.KeyManager[] {presenter}, tmf.getTrustManagers(), null);

        assertThatThrownBy(() -> HttpClient.newBuilder().sslContext(tls).build().send(
                HttpRequest.newBuilder(url.resolve("/api/v1/namespaces/default/pods/pod-a")).build(),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }
}
