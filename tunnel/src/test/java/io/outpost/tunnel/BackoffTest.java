package io.outpost.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BackoffTest {

    record Case(String name, int failures, Duration low, Duration high) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> waits() {
        return Stream.of(
                new Case("The first wait is between half the initial wait and the initial wait", 0, Duration.ofMillis(500), Duration.ofSeconds(1)),
                new Case("Each failure doubles the ceiling", 3, Duration.ofSeconds(4), Duration.ofSeconds(8)),
                new Case("The ceiling stops at the maximum", 10, Duration.ofSeconds(60), Duration.ofSeconds(120)),
                new Case("Many failures never overflow", 200, Duration.ofSeconds(60), Duration.ofSeconds(120)));
    }

    @ParameterizedTest
    @MethodSource("waits")
    void waitsStayWithinTheJitterBounds(Case c) {
        for (long seed = 0; seed < 200; seed++) {
            Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(2), new SplittableRandom(seed));
            for (int i = 0; i < c.failures(); i++) {
                b.next();
            }
            assertThat(b.next()).isBetween(c.low(), c.high());
        }
    }

    @Test
    void aResetStartsOverFromTheInitialWait() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(2), new SplittableRandom(1));
        for (int i = 0; i < 8; i++) {
            b.next();
        }
        b.reset();
        assertThat(b.next()).isLessThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void nodesThatFailTogetherSpreadOverTheWindow() {
        // A thousand nodes lose the server at once: their 5th retry is spread over [8 s, 16 s], not bunched.
        int[] buckets = new int[8];
        SplittableRandom seeds = new SplittableRandom(7);
        for (int node = 0; node < 1000; node++) {
            Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(2), seeds.split());
            for (int i = 0; i < 4; i++) {
                b.next();
            }
            long ms = b.next().toMillis();
            buckets[(int) Math.min(7, (ms - 8000) / 1000)]++;
        }
        for (int count : buckets) {
            assertThat(count).as("nodes per second of the window").isBetween(60, 200);
        }
    }
}
