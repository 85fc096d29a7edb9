package io.outpost.controllers.cronjob;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Which scheduled time a CronJob is due for, as kube's {@code mostRecentScheduleTime},
 * {@code nextScheduleTime} and {@code nextScheduleTimeDuration} compute it.
 *
 * <p>The search starts at the last schedule time (or the CronJob's creation), or at
 * {@code now - startingDeadlineSeconds} if that is later, so a controller that was down long
 * only starts the most recent missed run. The number of missed times is estimated from the
 * interval between the first two (kube's approximation), then the most recent is found by
 * walking the schedule from just before it; more than 100 missed is reported as
 * {@link Missed#MANY} (kube's "too many missed start times": a wrong clock could otherwise make
 * the walk endless).
 */
final class ScheduleTimes {

    /** kube's {@code nextScheduleDelta}: a requeue lands a little after the time, for clock skew. */
    static final Duration NEXT_SCHEDULE_DELTA = Duration.ofMillis(100);
    static final int TOO_MANY_MISSED = 100;

    enum Missed { NONE, FEW, MANY }

    /**
     * @param earliest   where the search started
     * @param mostRecent the latest scheduled time not after now, if one was missed since earliest
     */
    record MostRecent(Instant earliest, Optional<Instant> mostRecent, Missed missed) {
    }

    private ScheduleTimes() {
    }

    /**
     * kube's {@code mostRecentScheduleTime}.
     *
     * @throws CronSchedule.Invalid if the schedule never fires or fires twice within a second
     *                              (kube: "time difference between two schedules is less than 1 second")
     */
    static MostRecent mostRecent(Instant created, Optional<Instant> lastSchedule, Optional<Long> startingDeadlineSeconds,
                                 Instant now, CronSchedule schedule, boolean includeStartingDeadline) throws CronSchedule.Invalid {
        Instant earliest = lastSchedule.orElse(created);
        if (includeStartingDeadline && startingDeadlineSeconds.isPresent()) {
            Instant deadline = now.minusSeconds(startingDeadlineSeconds.get());
            if (deadline.isAfter(earliest)) {
                earliest = deadline;
            }
        }
        Optional<Instant> first = schedule.next(earliest);
        Optional<Instant> second = first.flatMap(schedule::next);
        if (first.isPresent() && now.isBefore(first.get())) {
            return new MostRecent(earliest, Optional.empty(), Missed.NONE);
        }
        if (first.isPresent() && second.isPresent() && now.isBefore(second.get())) {
            return new MostRecent(earliest, first, Missed.NONE);
        }
        long between = first.isEmpty() || second.isEmpty() ? 0
                : Math.round(Duration.between(first.get(), second.get()).toMillis() / 1000.0);
        if (between < 1) {
            throw new CronSchedule.Invalid("time difference between two schedules is less than 1 second");
        }
        long elapsed = Duration.between(first.get(), now).getSeconds();
        long missedCount = elapsed / between + 1;
        // Back one interval more than the estimate, and let the schedule find the exact times:
        // irregular schedules (30 6-16/4 * * 1-5) are not one interval apart.
        Instant potentialEarliest = first.get().plusSeconds((missedCount - 2) * between);
        Instant mostRecent = null;
        for (Optional<Instant> t = schedule.next(potentialEarliest); t.isPresent() && !t.get().isAfter(now); t = schedule.next(t.get())) {
            mostRecent = t.get();
        }
        Missed missed = missedCount > TOO_MANY_MISSED ? Missed.MANY : missedCount > 0 ? Missed.FEW : Missed.NONE;
        return new MostRecent(earliest, Optional.ofNullable(mostRecent), missed);
    }

    /**
     * kube's {@code nextScheduleTimeDuration}: how long until the next run, plus
     * {@link #NEXT_SCHEDULE_DELTA}; aimed from now when the schedule is unusable.
     */
    static Duration requeueAfter(Instant created, Optional<Instant> lastSchedule, Optional<Long> startingDeadlineSeconds,
                                 Instant now, CronSchedule schedule) {
        Instant from;
        try {
            MostRecent r = mostRecent(created, lastSchedule, startingDeadlineSeconds, now, schedule, false);
            from = r.mostRecent().orElse(r.missed() == Missed.NONE ? r.earliest() : now);
        } catch (CronSchedule.Invalid e) {
            from = now;
        }
        // A schedule that never fires is looked at again in a day rather than never.
        Instant next = schedule.next(from).orElse(now.plus(Duration.ofDays(1)));
        return Duration.between(now, next.plus(NEXT_SCHEDULE_DELTA));
    }
}
