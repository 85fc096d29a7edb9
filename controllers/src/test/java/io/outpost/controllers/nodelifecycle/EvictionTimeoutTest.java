package io.outpost.controllers.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EvictionTimeoutTest {

    record Case(String name, String value, EvictionTimeout expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A node without the annotation is never evicted (edge autonomy)", null, new EvictionTimeout.Never()),
                new Case("Five minutes in Go's syntax", "5m", new EvictionTimeout.After(Duration.ofMinutes(5))),
                new Case("Seconds", "300s", new EvictionTimeout.After(Duration.ofSeconds(300))),
                new Case("Hours and minutes together", "1h30m", new EvictionTimeout.After(Duration.ofMinutes(90))),
                new Case("A fraction", "1.5h", new EvictionTimeout.After(Duration.ofMinutes(90))),
                new Case("Milliseconds", "250ms", new EvictionTimeout.After(Duration.ofMillis(250))),
                new Case("Zero evicts at once", "0", new EvictionTimeout.After(Duration.ZERO)),
                new Case("Surrounding spaces are ignored", " 2m ", new EvictionTimeout.After(Duration.ofMinutes(2))));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void parses(Case c) {
        assertThat(EvictionTimeout.parse(c.value())).isEqualTo(c.expected());
    }

    record Bad(String name, String value, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> bad() {
        return Stream.of(
                new Bad("A number without a unit is not a duration", "300", "not a duration"),
                new Bad("A word is not a duration", "never", "not a duration"),
                new Bad("An ISO-8601 period is not Go's syntax", "PT5M", "not a duration"),
                new Bad("An empty value is not a duration", "", "empty"),
                new Bad("A negative duration is refused", "-5m", "negative"),
                new Bad("Days are not a Go unit", "2d", "not a duration"),
                new Bad("A duration past Go's range is refused", "9999999999h", "too long"));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void refuses(Bad c) {
        EvictionTimeout parsed = EvictionTimeout.parse(c.value());
        assertThat(parsed).isInstanceOf(EvictionTimeout.Invalid.class);
        EvictionTimeout.Invalid invalid = (EvictionTimeout.Invalid) parsed;
        assertThat(invalid.problem()).contains(c.problem());
        assertThat(invalid.message()).contains(EvictionTimeout.ANNOTATION, "not evicted", "like 5m");
    }
}
