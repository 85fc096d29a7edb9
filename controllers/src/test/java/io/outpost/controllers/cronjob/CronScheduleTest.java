package io.outpost.controllers.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CronScheduleTest {

    record Next(String name, String schedule, String after, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Next> nextTimes() {
        return Stream.of(
                new Next("Every minute fires at the start of the next minute", "* * * * *",
                        "2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z"),
                new Next("A time exactly on the schedule is not its own next time", "* * * * *",
                        "2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"),
                new Next("A minute step fires on its multiples", "*/15 * * * *",
                        "2026-01-01T00:14:59Z", "2026-01-01T00:15:00Z"),
                new Next("A start with a step runs to the field's maximum", "50/5 * * * *",
                        "2026-01-01T00:56:00Z", "2026-01-01T01:50:00Z"),
                new Next("Weekdays at nine skip from Friday to Monday", "0 9 * * mon-fri",
                        "2026-01-02T10:00:00Z", "2026-01-05T09:00:00Z"),
                new Next("A day of month and a day of week both restricted fire on either (Vixie cron)", "0 0 13 * 5",
                        "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
                new Next("A starred day of month leaves only the day of week", "0 0 * * 5",
                        "2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z"),
                new Next("Month names and lists select those months", "0 0 1 MAR,jan *",
                        "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z"),
                new Next("@monthly fires at midnight on the first", "@monthly",
                        "2026-01-15T12:00:00Z", "2026-02-01T00:00:00Z"),
                new Next("@weekly fires at midnight on Sunday", "@weekly",
                        "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"),
                new Next("@yearly fires on the first of January", "@annually",
                        "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
                new Next("@hourly fires on the hour", "@hourly",
                        "2026-01-01T10:59:59Z", "2026-01-01T11:00:00Z"),
                new Next("@every adds its delay to the whole second", "@every 1m30s",
                        "2026-01-01T00:00:30.500Z", "2026-01-01T00:02:00Z"),
                new Next("@every of less than a second is every second", "@every 10ms",
                        "2026-01-01T00:00:30Z", "2026-01-01T00:00:31Z"),
                new Next("A time zone prefix computes the schedule in that zone", "TZ=Asia/Tokyo 0 9 * * *",
                        "2026-01-01T00:30:00Z", "2026-01-02T00:00:00Z"),
                new Next("A time that does not exist when clocks spring forward is skipped that day",
                        "CRON_TZ=America/New_York 30 2 * * *", "2026-03-07T08:00:00Z", "2026-03-09T06:30:00Z"),
                new Next("An hourly schedule goes from 01:00 to 03:00 when clocks spring forward",
                        "TZ=America/New_York 0 * * * *", "2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z"),
                new Next("A time that happens twice when clocks fall back fires the first time",
                        "TZ=America/New_York 30 1 * * *", "2026-10-31T12:00:00Z", "2026-11-01T05:30:00Z"),
                new Next("and, as robfig's Next, the second time too",
                        "TZ=America/New_York 30 1 * * *", "2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"),
                new Next("A midnight that does not exist (Chile springs forward at midnight) is skipped, as robfig does",
                        "TZ=America/Santiago 0 0 * * *", "2026-09-05T12:00:00Z", "2026-09-07T03:00:00Z"),
                new Next("The 29th of February waits for a leap year", "0 0 29 2 *",
                        "2026-01-01T00:00:00Z", "2028-02-29T00:00:00Z"));
    }

    @ParameterizedTest
    @MethodSource("nextTimes")
    void computesTheNextTime(Next c) throws Exception {
        CronSchedule s = CronSchedule.parse(c.schedule(), ZoneOffset.UTC);
        assertThat(s.next(Instant.parse(c.after()))).contains(Instant.parse(c.expected()));
    }

    @ParameterizedTest
    @MethodSource("nextTimes")
    void nextTimesOnlyGrow(Next c) throws Exception {
        CronSchedule s = CronSchedule.parse(c.schedule(), ZoneOffset.UTC);
        Instant t = Instant.parse(c.after());
        for (int i = 0; i < 10; i++) {
            Instant n = s.next(t).orElseThrow();
            assertThat(n).isAfter(t);
            t = n;
        }
    }

    @org.junit.jupiter.api.Test
    void aScheduleThatNeverHappensHasNoNextTime() throws Exception {
        assertThat(CronSchedule.parse("0 0 30 2 *", ZoneOffset.UTC).next(Instant.parse("2026-01-01T00:00:00Z"))).isEmpty();
    }

    record Bad(String name, String schedule, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badSchedules() {
        return Stream.of(
                new Bad("An empty schedule", "", "empty spec string"),
                new Bad("Three fields", "* * *", "expected exactly 5 fields, found 3: [* * *]"),
                new Bad("Six fields (no seconds in the standard syntax)", "0 * * * * *", "expected exactly 5 fields, found 6: [0 * * * * *]"),
                new Bad("A minute of 60", "60 * * * *", "end of range (60) above maximum (59): 60"),
                new Bad("A day of month of 0", "0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
                new Bad("A reversed range", "0 5-3 * * *", "beginning of range (5) beyond end of range (3): 5-3"),
                new Bad("A zero step", "*/0 * * * *", "step of range should be a positive number: */0"),
                new Bad("Two slashes", "*/2/3 * * * *", "too many slashes: */2/3"),
                new Bad("Two hyphens", "1-2-3 * * * *", "too many hyphens: 1-2-3"),
                new Bad("A word that is no name", "0 0 * * funday",
                        "failed to parse int from funday: strconv.Atoi: parsing \"funday\": invalid syntax"),
                new Bad("A negative number", "0 0 * * -1", "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax"),
                new Bad("An unknown descriptor", "@fortnightly", "unrecognized descriptor: @fortnightly"),
                new Bad("An @every without a unit", "@every 5", "failed to parse duration @every 5: time: invalid duration \"5\""),
                new Bad("An unknown zone", "TZ=Mars/Olympus * * * * *", "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"));
    }

    @ParameterizedTest
    @MethodSource("badSchedules")
    void refusesWithRobfigsWords(Bad c) {
        assertThatThrownBy(() -> CronSchedule.parse(c.schedule(), ZoneOffset.UTC))
                .isInstanceOf(CronSchedule.Invalid.class).hasMessage(c.message());
    }
}
