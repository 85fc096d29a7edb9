package io.outpost.apiserver.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

class ClusterPkiTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path dir;

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private static Set<SubjectAltName> names(String... extra) {
        return ClusterPki.servingNames("edge-host", List.of(extra).stream().map(SubjectAltName::parse).toList());
    }

    @Test
    void firstStartMakesACaThatSignsTheServingAndAdminCertificates() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dir, names("10.0.0.5", "api.example.com"), at(T0));

        X509Certificate ca = pki.ca().certificate();
        ca.verify(ca.getPublicKey());
        pki.serving().certificate().verify(ca.getPublicKey());
        pki.admin().certificate().verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getNotAfter().toInstant()).isAfter(T0.plus(Duration.ofDays(3649)));
        assertThat(pki.admin().certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=outpost-admin,O=system:masters");
        assertThat(pki.admin().certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(pki.serving().certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    }

    @Test
    void theServingCertificateNamesLocalhostTheLoopbacksTheHostAndEachTlsSan() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dir, names("10.0.0.5", "API.example.com", "fd00::5"), at(T0));

        assertThat(ClusterPki.namesOf(pki.serving().certificate())).extracting(SubjectAltName::toString)
                .contains("DNS:localhost", "IP:127.0.0.1", "IP:::1", "DNS:edge-host", "IP:10.0.0.5",
                        "DNS:api.example.com", "IP:fd00::5", "DNS:kubernetes.default.svc");
    }

    @Test
    void keysAreReadableOnlyByTheirOwner() throws Exception {
        Path tls = dir.resolve("tls");
        ClusterPki.loadOrCreate(tls, names(), at(T0));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls))).isEqualTo("rwx------");
        dir = tls;

        for (String key : List.of("ca.key", "serving.key", "admin.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key)))).as(key)
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void aRestartReusesEveryCertificate() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(dir, names("10.0.0.5"), at(T0));
        ClusterPki second = ClusterPki.loadOrCreate(dir, names("10.0.0.5"), at(T0.plus(Duration.ofDays(30))));

        assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
        assertThat(second.serving().certificate()).isEqualTo(first.serving().certificate());
        assertThat(second.admin().certificate()).isEqualTo(first.admin().certificate());
        assertThat(second.admin().key().getEncoded()).isEqualTo(first.admin().key().getEncoded());
    }

    @Test
    void aNewTlsSanRemakesOnlyTheServingCertificate() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(dir, names("10.0.0.5"), at(T0));
        ClusterPki second = ClusterPki.loadOrCreate(dir, names("10.0.0.5", "edge.example.com"), at(T0));

        assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
        assertThat(second.admin().certificate()).isEqualTo(first.admin().certificate());
        assertThat(second.serving().certificate()).isNotEqualTo(first.serving().certificate());
        assertThat(ClusterPki.namesOf(second.serving().certificate())).contains(SubjectAltName.dns("edge.example.com"));
    }

    @Test
    void aLeafCertificateNearItsExpiryIsRenewedUnderTheSameCa() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(dir, names(), at(T0));
        ClusterPki later = ClusterPki.loadOrCreate(dir, names(), at(T0.plus(Duration.ofDays(300))));

        assertThat(later.ca().certificate()).isEqualTo(first.ca().certificate());
        assertThat(later.serving().certificate()).isNotEqualTo(first.serving().certificate());
        assertThat(later.admin().certificate()).isNotEqualTo(first.admin().certificate());
        later.admin().certificate().verify(first.ca().certificate().getPublicKey());
    }

    @Test
    void aMissingCaKeyIsAnErrorThatNamesTheFileAndTheWayOut() throws Exception {
        ClusterPki.loadOrCreate(dir, names(), at(T0));
        Files.delete(dir.resolve("ca.key"));

        assertThatThrownBy(() -> ClusterPki.loadOrCreate(dir, names(), at(T0)))
                .hasMessageContaining(dir.resolve("ca.key") + " is missing")
                .hasMessageContaining("restore it from a backup");
    }

    @Test
    void theAdminKubeconfigEmbedsTheCaAndTheAdminCredentials() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dir, names(), at(T0));
        Path file = dir.resolve("admin.kubeconfig");
        AdminKubeconfig.write(file, URI.create("https://127.0.0.1:6443"), pki);

        JsonNode config = new YAMLMapper().readTree(Files.readString(file));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(config.get("current-context").asString()).isEqualTo("outpost");
        JsonNode cluster = config.get("clusters").get(0).get("cluster");
        assertThat(cluster.get("server").asString()).isEqualTo("https://127.0.0.1:6443");
        assertThat(decode(cluster.get("certificate-authority-data"))).isEqualTo(Pem.of(pki.ca().certificate()));
        JsonNode user = config.get("users").get(0).get("user");
        assertThat(decode(user.get("client-certificate-data"))).isEqualTo(Pem.of(pki.admin().certificate()));
        // SEC1 with the public key inside, which fabric8 and the official Java client can load.
        String key = decode(user.get("client-key-data"));
        assertThat(key).startsWith("-----BEGIN EC PRIVATE KEY-----");
        Path keyFile = Files.writeString(dir.resolve("admin-key.pem"), key);
        assertThat(((java.security.interfaces.ECPrivateKey) Pem.readPrivateKey(keyFile)).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) pki.admin().key()).getS());
        JsonNode context = config.get("contexts").get(0);
        assertThat(context.get("name").asString()).isEqualTo("outpost");
        assertThat(context.get("context").get("cluster").asString()).isEqualTo("outpost");
        assertThat(context.get("context").get("user").asString()).isEqualTo("outpost");
    }

    private static String decode(JsonNode base64) {
        return new String(Base64.getDecoder().decode(base64.asString()), java.nio.charset.StandardCharsets.US_ASCII);
    }
}
