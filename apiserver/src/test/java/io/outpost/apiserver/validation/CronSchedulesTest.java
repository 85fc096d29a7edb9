package io.outpost.apiserver.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Schedules as robfig/cron's standard parser, which kube uses, accepts or words its refusal. */
class CronSchedulesTest {

    record Case(String name, String schedule, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> schedules() {
        return Stream.of(
                new Case("Every minute parses", "* * * * *", null),
                new Case("Ranges, lists and steps parse", "0,30 9-17 */2 1-12/3 mon-fri", null),
                new Case("Month and weekday names parse in any case", "0 0 1 JAN Sun", null),
                new Case("A question mark is a star", "0 0 ? * *", null),
                new Case("The @hourly descriptor parses", "@hourly", null),
                new Case("@every with a Go duration parses", "@every 1h30m", null),
                new Case("A time zone prefix with a known zone parses", "TZ=Europe/Berlin 0 0 * * *", null),
                new Case("Four fields are too few", "* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
                new Case("Six fields are too many", "0 * * * * *", "expected exactly 5 fields, found 6: [0 * * * * *]"),
                new Case("An unknown descriptor is refused", "@sometimes", "unrecognized descriptor: @sometimes"),
                new Case("Minute 60 is above the maximum", "60 * * * *", "end of range (60) above maximum (59): 60"),
                new Case("Day of month 0 is below the minimum", "0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
                new Case("A backwards range is refused", "0 5-3 * * *", "beginning of range (5) beyond end of range (3): 5-3"),
                new Case("A zero step is refused", "*/0 * * * *", "step of range should be a positive number: */0"),
                new Case("A word where a number belongs is refused", "x * * * *",
                        "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"),
                new Case("Two hyphens are refused", "1-2-3 * * * *", "too many hyphens: 1-2-3"),
                new Case("An unknown time zone prefix is refused", "TZ=Mars/Olympus 0 0 * * *",
                        "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"),
                new Case("@every with a bad duration is refused", "@every often",
                        "failed to parse duration @every often: time: invalid duration \"often\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void schedulesParseAsKubesCronParserDoes(Case c) {
        assertThat(CronSchedules.problem(c.schedule())).isEqualTo(Optional.ofNullable(c.problem()));
    }
}
