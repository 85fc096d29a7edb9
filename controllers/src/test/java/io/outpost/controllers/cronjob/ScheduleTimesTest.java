package io.outpost.controllers.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.testing.FakeClock;

class ScheduleTimesTest {

    static final Instant CREATED = Instant.parse("2026-01-05T00:00:00Z"); // a Monday

    record Case(String name, String schedule, String last, Long deadline, Duration elapsed, String mostRecent,
                ScheduleTimes.Missed missed) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("Nothing is due before the first time", "0 * * * *", null, null, Duration.ofMinutes(59), null,
                        ScheduleTimes.Missed.NONE),
                new Case("The first time is due once reached", "0 * * * *", null, null, Duration.ofMinutes(60),
                        "2026-01-05T01:00:00Z", ScheduleTimes.Missed.NONE),
                new Case("Of several missed times the latest is due", "0 * * * *", null, null, Duration.ofHours(5).plusMinutes(30),
                        "2026-01-05T05:00:00Z", ScheduleTimes.Missed.FEW),
                new Case("The search starts at the last schedule time", "0 * * * *", "2026-01-05T04:00:00Z", null,
                        Duration.ofHours(5).plusMinutes(30), "2026-01-05T05:00:00Z", ScheduleTimes.Missed.NONE),
                new Case("An irregular schedule still finds its latest time (weekdays 6:30 to 14:30 every 4 hours)",
                        "30 6-16/4 * * 1-5", null, null, Duration.ofDays(2).plusHours(12), "2026-01-07T10:30:00Z",
                        ScheduleTimes.Missed.FEW),
                // kube's estimate counts 4-hour intervals through the weekend and starts its walk on
                // Sunday, past Friday's last run: kube then starts nothing until Monday, and so do we.
                new Case("Across a weekend kube's interval estimate overshoots an irregular schedule and finds no time",
                        "30 6-16/4 * * 1-5", null, null, Duration.ofDays(6).plusHours(12), null, ScheduleTimes.Missed.FEW),
                new Case("More than 100 missed times are too many", "* * * * *", null, null, Duration.ofMinutes(150),
                        "2026-01-05T02:30:00Z", ScheduleTimes.Missed.MANY),
                new Case("startingDeadlineSeconds moves the search start up to now minus the deadline", "* * * * *", null, 120L,
                        Duration.ofMinutes(150).plusSeconds(30), "2026-01-05T02:30:00Z", ScheduleTimes.Missed.FEW));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void findsTheMostRecentMissedTime(Case c) throws Exception {
        FakeClock clock = new FakeClock(CREATED);
        clock.advance(c.elapsed());
        ScheduleTimes.MostRecent r = ScheduleTimes.mostRecent(CREATED, Optional.ofNullable(c.last()).map(Instant::parse),
                Optional.ofNullable(c.deadline()), clock.instant(), CronSchedule.parse(c.schedule(), ZoneOffset.UTC), true);
        assertThat(r.mostRecent().map(Instant::toString).orElse(null)).isEqualTo(c.mostRecent());
        assertThat(r.missed()).isEqualTo(c.missed());
    }

    @Test
    void aScheduleThatNeverFiresIsInvalidAndIsLookedAtAgainInADay() throws Exception {
        CronSchedule never = CronSchedule.parse("0 0 30 2 *", ZoneOffset.UTC);
        assertThatThrownBy(() -> ScheduleTimes.mostRecent(CREATED, Optional.empty(), Optional.empty(), CREATED.plusSeconds(60), never, true))
                .hasMessage("time difference between two schedules is less than 1 second");
        assertThat(ScheduleTimes.requeueAfter(CREATED, Optional.empty(), Optional.empty(), CREATED, never))
                .isEqualTo(Duration.ofDays(1).plusMillis(100));
    }
}
