package io.outpost.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Pull times in kubelet's "Successfully pulled image ... in 1.21s" read as Go prints a millisecond-truncated Duration. */
class EventsGoDurationTest {

    record Case(String name, Duration duration, String printed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("under a second is in whole milliseconds", Duration.ofNanos(890_456_789), "890ms"),
                new Case("under a millisecond is zero", Duration.ofNanos(999_999), "0s"),
                new Case("seconds keep their milliseconds without trailing zeros", Duration.ofMillis(1_210), "1.21s"),
                new Case("whole seconds have no fraction", Duration.ofSeconds(2), "2s"),
                new Case("a leading zero of the milliseconds is kept", Duration.ofMillis(5_003), "5.003s"),
                new Case("minutes come before seconds", Duration.ofMillis(65_003), "1m5.003s"),
                new Case("hours print their minutes even when zero", Duration.ofSeconds(3_601), "1h0m1s"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsAsGo(Case c) {
        assertThat(Events.goDuration(c.duration())).isEqualTo(c.printed());
    }
}
