package io.outpost.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RoundTripReportTest {

    private static final Instant T0 = Instant.parse("2026-11-25T18:00:00Z");

    /** Samples (milliseconds, -1 for none) taken every {@code step}, and the range the value reported after the last is in. */
    record Case(String name, List<Long> samples, Duration step, long atLeast, long atMost) {
        Case(String name, List<Long> samples, Duration step, long reported) {
            this(name, samples, step, reported, reported);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Duration thirty = Duration.ofSeconds(30);
        return Stream.of(
                new Case("nothing is reported before the first sample", List.of(-1L, -1L), thirty, -1),
                new Case("the first sample is reported at once", List.of(-1L, 42L), thirty, 42),
                new Case("jitter around the reported value changes nothing",
                        List.of(40L, 55L, 30L, 80L, 35L, 50L, 45L, 60L, 38L, 70L, 41L, 52L, 44L, 58L, 39L, 47L, 49L, 51L,
                                36L, 62L, 43L, 57L, 40L, 48L, 53L), thirty, 40),
                new Case("a lasting change is reported, smoothed, once it has lasted and ten minutes have passed",
                        Stream.concat(Stream.of(40L), Stream.generate(() -> 200L).limit(25)).toList(), thirty, 150, 200),
                new Case("a lasting change within ten minutes waits",
                        Stream.concat(Stream.of(40L), Stream.generate(() -> 200L).limit(10)).toList(), thirty, 40),
                new Case("a lost sample keeps the last value", List.of(40L, -1L, -1L), Duration.ofMinutes(20), 40));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsALastingChangeNotJitter(Case c) {
        RoundTripReport report = new RoundTripReport();
        long last = -2;
        Instant now = T0;
        for (long sample : c.samples()) {
            last = report.sample(sample, now);
            now = now.plus(c.step());
        }
        assertThat(last).isBetween(c.atLeast(), c.atMost());
    }
}
