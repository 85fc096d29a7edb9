package io.outpost.controllers.cronjob;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.outpost.controllers.runtime.EventRecorder;

/**
 * What one sync of a CronJob should do once its active list is up to date, decided from the
 * CronJob and the time alone, in the order of kube's {@code syncCronJob}: nothing if its time
 * zone is unknown, it is suspended or its schedule does not parse (each with kube's event); else
 * the scheduled time due, unless that is later than {@code startingDeadlineSeconds} allow
 * ({@code MissSchedule}), already started, or {@code Forbid}den by a running Job
 * ({@code JobAlreadyActive}); with {@code Replace}, the active Jobs go first. It always says when
 * to look again (kube's {@code RequeueAfter}), except when only a change of the CronJob can help.
 *
 * @param start          the scheduled time to start a Job for
 * @param replaceActive  delete the active Jobs first (concurrencyPolicy Replace)
 * @param requeueAfter   when to sync again, counted from now
 */
record Decision(List<Event> events, Optional<Instant> start, boolean replaceActive, Optional<Duration> requeueAfter) {

    /** An event about the CronJob, in kube's words. */
    record Event(String type, String reason, String message) {
    }

    /** Go's {@code time.RFC1123Z}, which kube's MissSchedule event uses. */
    static final DateTimeFormatter RFC1123Z = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);

    static Decision of(CronJob cronJob, Instant now, ZoneId localZone) {
        List<Event> events = new ArrayList<>();
        var spec = cronJob.getSpec();
        String zone = spec.getTimeZone();
        if (zone != null) {
            try {
                ZoneId.of(zone.equals("UTC") ? "Z" : zone);
            } catch (DateTimeException e) {
                events.add(new Event(EventRecorder.WARNING, "UnknownTimeZone",
                        "invalid timeZone: \"" + zone + "\": unknown time zone " + zone));
                return new Decision(events, Optional.empty(), false, Optional.empty());
            }
        }
        if (Boolean.TRUE.equals(spec.getSuspend())) {
            return new Decision(events, Optional.empty(), false, Optional.empty());
        }
        CronSchedule schedule;
        try {
            schedule = CronSchedule.parse(format(cronJob, events), localZone);
        } catch (CronSchedule.Invalid e) {
            events.add(new Event(EventRecorder.WARNING, "UnparseableSchedule",
                    "unparseable schedule: \"" + spec.getSchedule() + "\" : " + e.getMessage()));
            return new Decision(events, Optional.empty(), false, Optional.empty());
        }
        Instant created = Instant.parse(cronJob.getMetadata().getCreationTimestamp());
        Optional<Instant> last = lastScheduleTime(cronJob);
        Optional<Long> deadline = Optional.ofNullable(spec.getStartingDeadlineSeconds());
        ScheduleTimes.MostRecent due;
        try {
            due = ScheduleTimes.mostRecent(created, last, deadline, now, schedule, true);
        } catch (CronSchedule.Invalid e) {
            events.add(new Event(EventRecorder.WARNING, "InvalidSchedule", "invalid schedule: " + spec.getSchedule() + " : " + e.getMessage()));
            return new Decision(events, Optional.empty(), false, Optional.empty());
        }
        Optional<Duration> requeue = Optional.of(ScheduleTimes.requeueAfter(created, last, deadline, now, schedule));
        if (due.mostRecent().isEmpty() || due.mostRecent().get().isAfter(now)) {
            return new Decision(events, Optional.empty(), false, requeue);
        }
        Instant scheduled = due.mostRecent().get();
        if (due.missed() == ScheduleTimes.Missed.MANY) {
            events.add(new Event(EventRecorder.WARNING, "TooManyMissedTimes",
                    "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew"));
        }
        if (deadline.isPresent() && scheduled.plusSeconds(deadline.get()).isBefore(now)) {
            events.add(new Event(EventRecorder.WARNING, "MissSchedule",
                    "Missed scheduled time to start a job: " + RFC1123Z.format(scheduled.atOffset(ZoneOffset.UTC))));
            return new Decision(events, Optional.empty(), false, requeue);
        }
        String jobName = Jobs.name(cronJob, scheduled);
        List<ObjectReference> active = active(cronJob);
        if (active.stream().anyMatch(r -> jobName.equals(r.getName())) || last.map(scheduled::equals).orElse(false)) {
            return new Decision(events, Optional.empty(), false, requeue);
        }
        String policy = spec.getConcurrencyPolicy() == null ? "Allow" : spec.getConcurrencyPolicy();
        if (policy.equals("Forbid") && !active.isEmpty()) {
            events.add(new Event(EventRecorder.NORMAL, "JobAlreadyActive",
                    "Not starting job because prior execution is running and concurrency policy is Forbid"));
            return new Decision(events, Optional.empty(), false, requeue);
        }
        // Counted as kube does, from the status the start is about to write.
        Duration next = ScheduleTimes.requeueAfter(created, Optional.of(scheduled), deadline, now, schedule);
        return new Decision(events, Optional.of(scheduled), policy.equals("Replace") && !active.isEmpty(), Optional.of(next));
    }

    /**
     * kube's {@code formatSchedule}: {@code spec.timeZone} becomes a {@code TZ=} prefix; a schedule
     * that names its own zone is used as it is, with a warning that this is unsupported.
     */
    static String format(CronJob cronJob, List<Event> events) {
        String schedule = cronJob.getSpec().getSchedule() == null ? "" : cronJob.getSpec().getSchedule();
        if (schedule.contains("TZ")) {
            events.add(new Event(EventRecorder.WARNING, "UnsupportedSchedule", "CRON_TZ or TZ used in schedule \"" + schedule
                    + "\" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details"));
            return schedule;
        }
        String zone = cronJob.getSpec().getTimeZone();
        return zone == null ? schedule : "TZ=" + zone + " " + schedule;
    }

    static Optional<Instant> lastScheduleTime(CronJob cronJob) {
        return cronJob.getStatus() == null || cronJob.getStatus().getLastScheduleTime() == null
                ? Optional.empty() : Optional.of(Instant.parse(cronJob.getStatus().getLastScheduleTime()));
    }

    static List<ObjectReference> active(CronJob cronJob) {
        return cronJob.getStatus() == null || cronJob.getStatus().getActive() == null ? List.of() : cronJob.getStatus().getActive();
    }
}
