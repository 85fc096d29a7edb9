package io.outpost.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HumanDurationTest {

    record Case(String name, Duration duration, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("more than a little clock skew is invalid", Duration.ofSeconds(-2), "<invalid>"),
                new Case("a second of clock skew reads as now", Duration.ofMillis(-1500), "0s"),
                new Case("seconds up to two minutes", Duration.ofSeconds(119), "119s"),
                new Case("two minutes exactly", Duration.ofMinutes(2), "2m"),
                new Case("minutes and seconds under ten minutes", Duration.ofSeconds(5 * 60 + 30), "5m30s"),
                new Case("whole minutes up to three hours", Duration.ofMinutes(179).plusSeconds(59), "179m"),
                new Case("hours and minutes under eight hours", Duration.ofMinutes(3 * 60 + 12), "3h12m"),
                new Case("whole hours under eight hours", Duration.ofHours(5), "5h"),
                new Case("hours up to two days", Duration.ofHours(47).plusMinutes(59), "47h"),
                new Case("days and hours under eight days", Duration.ofHours(2 * 24 + 5), "2d5h"),
                new Case("whole days", Duration.ofDays(2), "2d"),
                new Case("days up to two years", Duration.ofDays(400), "400d"),
                new Case("years and days under eight years", Duration.ofDays(3 * 365 + 20), "3y20d"),
                new Case("whole years beyond eight years", Duration.ofDays(9 * 365 + 100), "9y"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void formatsLikeKubectl(Case c) {
        assertThat(HumanDuration.format(c.duration())).isEqualTo(c.expected());
    }
}
