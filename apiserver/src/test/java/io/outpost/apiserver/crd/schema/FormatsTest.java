package io.outpost.apiserver.crd.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The string formats kube checks, and Go's duration syntax. */
class FormatsTest {

    record Case(String format, String value, boolean valid) {
        @Override
        public String toString() {
            return format + " " + (valid ? "accepts" : "refuses") + " \"" + value + "\"";
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("email", "a@example.com", true),
                new Case("email", "nobody", false),
                new Case("hostname", "edge-1.example.com", true),
                new Case("hostname", "-bad-", false),
                new Case("ipv4", "10.0.0.1", true),
                new Case("ipv4", "10.0.0.256", false),
                new Case("ipv6", "fe80::1", true),
                new Case("ipv6", "10.0.0.1", false),
                new Case("ipv6", "example.com", false),
                new Case("cidr", "10.0.0.0/8", true),
                new Case("cidr", "fd00::/64", true),
                new Case("cidr", "10.0.0.0/33", false),
                new Case("mac", "01:23:45:67:89:ab", true),
                new Case("mac", "01:23:45", false),
                new Case("uuid", "123e4567-e89b-12d3-a456-426614174000", true),
                new Case("uuid", "123", false),
                new Case("uuid4", "123e4567-e89b-42d3-a456-426614174000", true),
                new Case("uuid4", "123e4567-e89b-12d3-a456-426614174000", false),
                new Case("byte", "aGVsbG8=", true),
                new Case("byte", "not base64!", false),
                new Case("date", "2024-02-29", true),
                new Case("date", "2023-02-29", false),
                new Case("date-time", "2024-01-02T03:04:05Z", true),
                new Case("date-time", "2024-01-02T03:04:05.123+02:00", true),
                new Case("date-time", "2024-01-02", false),
                new Case("duration", "1h30m", true),
                new Case("duration", "3d", true),
                new Case("duration", "soon", false),
                new Case("hexcolor", "#ff00aa", true),
                new Case("hexcolor", "#ff00a", false),
                new Case("int32", "anything: kube does not check it", true),
                new Case("my-own-format", "anything", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void formatsAreCheckedAsKubeChecksThem(Case c) {
        assertThat(Formats.valid(c.format(), c.value())).isEqualTo(c.valid());
    }

    @Test
    void goDurationsParse() {
        assertThat(GoDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDurations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDurations.parse("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(GoDurations.parse("-2s")).isEqualTo(Duration.ofSeconds(-2));
        assertThat(GoDurations.parse("1w2d")).isEqualTo(Duration.ofDays(9));
        assertThat(GoDurations.parse("0")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> GoDurations.parse("1x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("time: invalid duration \"1x\"");
        assertThatThrownBy(() -> GoDurations.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
