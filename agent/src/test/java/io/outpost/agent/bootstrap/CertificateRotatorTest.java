package io.outpost.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outpost.testing.FakeClock;

/** When the rotator renews: client-go's deadline, notBefore + 70% of the lifetime with 20% jitter. */
class CertificateRotatorTest {

    @TempDir
    Path dir;

    @Test
    void theDeadlineFallsBetween70And84PercentOfTheLifetime() throws Exception {
        TestPki pki = TestPki.create();
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        NodeIdentity identity = pki.node("a", "a", start, start.plus(Duration.ofDays(100)));
        FakeClock clock = new FakeClock(start);
        BootstrapConfig config = BootstrapConfig.of(URI.create("https://127.0.0.1:1"), "", "a", dir).withClock(clock);
        Instant earliest = Instant.MAX;
        Instant latest = Instant.MIN;
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            Instant d = new CertificateRotator(identity, config, random).nextRotationDeadline();
            earliest = d.isBefore(earliest) ? d : earliest;
            latest = d.isAfter(latest) ? d : latest;
        }
        assertThat(earliest).isAfterOrEqualTo(start.plus(Duration.ofDays(70)));
        assertThat(latest).isBeforeOrEqualTo(start.plus(Duration.ofHours(84 * 24)));
        assertThat(Duration.between(earliest, latest)).as("the jitter spreads a fleet's renewals").isGreaterThan(Duration.ofDays(10));
    }

    @Test
    void nothingIsRenewedBeforeTheDeadline() throws Exception {
        TestPki pki = TestPki.create();
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        NodeIdentity identity = pki.node("a", "a", start, start.plus(Duration.ofDays(10)));
        FakeClock clock = new FakeClock(start);
        // The server is not there: rotateIfDue must not even try before the deadline.
        CertificateRotator rotator = new CertificateRotator(identity,
                BootstrapConfig.of(URI.create("https://127.0.0.1:1"), "", "a", dir).withClock(clock), new Random(1));
        clock.advance(Duration.ofDays(6));
        assertThat(rotator.rotateIfDue()).isFalse();
        assertThat(rotator.current()).isSameAs(identity);
        assertThat(rotator.sslContext()).isNotNull();
        rotator.close();
    }
}
