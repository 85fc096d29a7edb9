package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;

import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.outpost.apiserver.pki.CertificateIssuer;

/**
 * Real kubectl 1.27 and 1.33 with CertificateSigningRequests: a client certificate request that
 * no controller approves by itself is listed Pending, {@code kubectl certificate approve} approves
 * it (a PUT of the approval subresource; protobuf from 1.33) and the signer issues it; {@code deny}
 * denies another, which is then never issued.
 */
@Tag("system")
class KubectlCertificateTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        kubectl = Kubectl.find(dir, dir.resolve("data/admin.kubeconfig"));
        server = ServerFixture.start(dir);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String request(String user) throws Exception {
        KeyPair keys = CertificateIssuer.newKeyPair();
        var csr = new JcaPKCS10CertificationRequestBuilder(new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "dev")
                .addRDN(BCStyle.CN, user).build(), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(csr);
        }
        return Base64.getEncoder().encodeToString(pem.toString().getBytes(StandardCharsets.US_ASCII));
    }

    static String manifest(String name, String user) throws Exception {
        return """
                apiVersion: certificates.k8s.io/v1
                kind: CertificateSigningRequest
                metadata: {name: %s}
                spec:
                  request: %s
                  signerName: kubernetes.io/kube-apiserver-client
                  expirationSeconds: 3600
                  usages: [client auth]
                """.formatted(name, request(user));
    }

    @ParameterizedTest(name = "kubectl {0}: certificate approve issues a pending request, certificate deny refuses one")
    @ValueSource(strings = {"1.27", "1.33"})
    void approveAndDeny(String version) throws Exception {
        String ok = "jane-" + version.replace(".", "");
        String no = "mallory-" + version.replace(".", "");
        kubectl.ok(version, "create", "-f", kubectl.file(ok + ".yaml", manifest(ok, "jane")).toString());
        kubectl.ok(version, "create", "-f", kubectl.file(no + ".yaml", manifest(no, "mallory")).toString());
        assertThat(kubectl.ok(version, "get", "csr", ok).out())
                .contains("SIGNERNAME", "REQUESTOR", "REQUESTEDDURATION", "CONDITION")
                .containsPattern(ok + "\\s+\\S+\\s+kubernetes.io/kube-apiserver-client\\s+outpost-admin\\s+60m\\s+Pending");

        assertThat(kubectl.ok(version, "certificate", "approve", ok).out())
                .contains("certificatesigningrequest.certificates.k8s.io/" + ok + " approved");
        assertThat(kubectl.ok(version, "certificate", "deny", no).out())
                .contains("certificatesigningrequest.certificates.k8s.io/" + no + " denied");

        var csrs = server.client().certificates().v1().certificateSigningRequests();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            CertificateSigningRequest issued = csrs.withName(ok).get();
            assertThat(issued.getStatus().getCertificate()).isNotEmpty();
        });
        assertThat(kubectl.ok(version, "get", "csr", ok).out()).containsPattern(ok + ".*Approved,Issued");
        assertThat(kubectl.ok(version, "get", "csr", no).out()).containsPattern(no + ".*Denied");
        assertThat(kubectl.ok(version, "describe", "csr", ok).out())
                .contains("Requesting User:", "outpost-admin", "Signer:", "kubernetes.io/kube-apiserver-client", "Approved,Issued",
                        "Common Name:", "jane", "Organization:", "dev");
        assertThat(csrs.withName(no).get().getStatus().getCertificate()).isNull();
        Kubectl.Run both = kubectl.run(version, "certificate", "approve", no);
        assertThat(both.exitCode()).as("kubectl refuses to approve a denied request").isNotZero();
    }
}
