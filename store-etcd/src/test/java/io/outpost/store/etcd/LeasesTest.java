package io.outpost.store.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LeasesTest {

    /** Records the ttl of every grant; etcd grants what is asked, or {@code minimum} if more. */
    private static final class FakeEtcd implements Leases.Granter {
        final List<Long> granted = new ArrayList<>();
        long minimum = 0;

        @Override
        public Leases.Grant grant(long ttlSeconds) {
            granted.add(ttlSeconds);
            return new Leases.Grant(granted.size(), Math.max(minimum, ttlSeconds));
        }
    }

    private final FakeEtcd etcd = new FakeEtcd();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Leases leases = new Leases(etcd, nanos::get);

    record Rounding(String name, Duration ttl, long seconds) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Rounding> rounding() {
        return List.of(
                new Rounding("whole seconds are kept", Duration.ofSeconds(30), 30),
                new Rounding("a fraction rounds up", Duration.ofMillis(2_001), 3),
                new Rounding("less than a second is a second", Duration.ofMillis(10), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rounding")
    void aTtlIsAskedOfEtcdInWholeSecondsNeverShorter(Rounding c) {
        assertThat(Leases.seconds(c.ttl())).isEqualTo(c.seconds());
    }

    @Test
    void shortTtlsGetALeaseEachBecauseTheirSlackRoundsToNothing() {
        long first = leases.leaseFor(Duration.ofSeconds(10));
        long second = leases.leaseFor(Duration.ofSeconds(10));

        assertThat(first).isNotEqualTo(second);
        assertThat(etcd.granted).containsExactly(10L, 10L);
    }

    @Test
    void writesWithTheSameLongTtlShareALeaseGrantedWithFivePercentSlack() {
        long first = leases.leaseFor(Duration.ofSeconds(100));
        nanos.addAndGet(Duration.ofSeconds(4).toNanos());
        long second = leases.leaseFor(Duration.ofSeconds(100));

        assertThat(second).isEqualTo(first);
        assertThat(etcd.granted).containsExactly(105L);
    }

    @Test
    void aLeaseIsNotReusedOnceItWouldExpireBeforeTheTtl() {
        long first = leases.leaseFor(Duration.ofSeconds(100));
        nanos.addAndGet(Duration.ofSeconds(5).toNanos() + 1);

        long second = leases.leaseFor(Duration.ofSeconds(100));

        assertThat(second).isNotEqualTo(first);
        assertThat(etcd.granted).containsExactly(105L, 105L);
    }

    @Test
    void theSlackIsAtMostAMinute() {
        leases.leaseFor(Duration.ofHours(1));

        assertThat(etcd.granted).containsExactly(3_600L + 60L);
    }

    @Test
    void differentTtlsUseDifferentLeases() {
        long hundred = leases.leaseFor(Duration.ofSeconds(100));
        long twoHundred = leases.leaseFor(Duration.ofSeconds(200));

        assertThat(twoHundred).isNotEqualTo(hundred);
    }

    @Test
    void aForgottenLeaseIsReplaced() {
        long first = leases.leaseFor(Duration.ofSeconds(100));
        leases.forget(first);

        assertThat(leases.leaseFor(Duration.ofSeconds(100))).isNotEqualTo(first);
    }
}
