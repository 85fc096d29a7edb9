package io.outpost.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity on disk: reused only when whole, for this node, signed by the stored CA and valid now. */
class IdentityFilesTest {

    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path dir;

    private IdentityFiles stored(TestPki pki, NodeIdentity identity) throws Exception {
        IdentityFiles files = new IdentityFiles(dir.resolve("pki"));
        files.storeCa(Pems.of(pki.ca()));
        files.store(identity);
        return files;
    }

    @Test
    void aStoredIdentityIsReadBackAndOnlyItsOwnerMayReadTheKey() throws Exception {
        TestPki pki = TestPki.create();
        NodeIdentity identity = pki.node("a", "a", START, START.plus(Duration.ofDays(365)));
        IdentityFiles files = stored(pki, identity);
        NodeIdentity loaded = files.load("a", START.plus(Duration.ofDays(1))).orElseThrow();
        assertThat(loaded.certificate()).isEqualTo(identity.certificate());
        assertThat(loaded.key().getEncoded()).isEqualTo(identity.key().getEncoded());
        assertThat(Files.getPosixFilePermissions(dir.resolve("pki/node.key"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void anExpiredCertificateIsNotReused() throws Exception {
        TestPki pki = TestPki.create();
        IdentityFiles files = stored(pki, pki.node("a", "a", START, START.plus(Duration.ofDays(1))));
        assertThat(files.load("a", START.plus(Duration.ofDays(2)))).isEmpty();
    }

    @Test
    void anotherNodesCertificateIsNotReused() throws Exception {
        TestPki pki = TestPki.create();
        IdentityFiles files = stored(pki, pki.node("b", "a", START, START.plus(Duration.ofDays(10))));
        assertThat(files.load("a", START.plus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    void aCertificateOfAnotherCaIsNotReused() throws Exception {
        TestPki pki = TestPki.create();
        IdentityFiles files = stored(pki, TestPki.create().node("a", "a", START, START.plus(Duration.ofDays(10))));
        assertThat(files.load("a", START.plus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsNotReused() throws Exception {
        TestPki pki = TestPki.create();
        NodeIdentity identity = pki.node("a", "a", START, START.plus(Duration.ofDays(10)));
        NodeIdentity other = pki.node("a", "a", START, START.plus(Duration.ofDays(10)));
        IdentityFiles files = stored(pki, new NodeIdentity("a", other.key(), identity.chain(), pki.ca()));
        assertThat(files.load("a", START.plus(Duration.ofDays(1)))).isEmpty();
    }

    @Test
    void nothingStoredIsNothingLoaded() {
        assertThat(new IdentityFiles(dir.resolve("pki")).load("a", START)).isEmpty();
    }
}
