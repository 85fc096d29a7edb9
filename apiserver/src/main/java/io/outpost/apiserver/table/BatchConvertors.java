package io.outpost.apiserver.table;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * batch/v1 Jobs and CronJobs (kubernetes {@code printJob}, {@code printCronJob}, 1.33 columns).
 * A Job's STATUS is the first of Complete, Failed, Terminating (deletion pending), Suspended,
 * FailureTarget, else Running; COMPLETIONS is "succeeded/completions", or "n/1 of p" for a
 * work-queue job with parallelism p &gt; 1; DURATION runs from start to completion (or now).
 *
 * <p>Thread model: constants of immutable convertors.
 */
final class BatchConvertors {

    private BatchConvertors() {
    }

    private static final Column CONTAINERS = Column.wide("Containers", Descriptions.CONTAINERS);
    private static final Column IMAGES = Column.wide("Images", Descriptions.IMAGES);
    private static final Column SELECTOR = Column.wide("Selector", Descriptions.JOB_SELECTOR);

    static final TableConvertor JOBS = new Convertor(
            List.of(Column.NAME, Column.string("Status", "Status of the job."),
                    Column.string("Completions", Descriptions.JOB_SUCCEEDED),
                    Column.string("Duration", "Time required to complete the job."), Column.AGE,
                    CONTAINERS, IMAGES, SELECTOR),
            (o, now) -> {
                List<Object> cells = new ArrayList<>(List.of(Fields.name(o), jobStatus(o), completions(o),
                        jobDuration(o, now), Fields.age(o, now)));
                cells.addAll(Fields.containerCells(Fields.at(o, "spec", "template", "spec")));
                cells.add(Fields.formatSelector(Fields.at(o, "spec", "selector")));
                return cells;
            });

    static final TableConvertor CRON_JOBS = new Convertor(
            List.of(Column.NAME, Column.string("Schedule", "The schedule in Cron format, see "
                            + "https://en.wikipedia.org/wiki/Cron."),
                    Column.string("Timezone", "The time zone name for the given schedule, see "
                            + "https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
                    new Column("Suspend", "boolean", "", "This flag tells the controller to suspend subsequent "
                            + "executions, it does not apply to already started executions.", 0),
                    Column.integer("Active", "A list of pointers to currently running jobs."),
                    Column.string("Last Schedule", "Information when was the last time the job was successfully "
                            + "scheduled."),
                    Column.AGE, CONTAINERS, IMAGES, SELECTOR),
            (o, now) -> {
                JsonNode spec = o.path("spec");
                Optional<Instant> lastSchedule = Fields.time(o, "status", "lastScheduleTime");
                List<Object> cells = new ArrayList<>(List.of(Fields.name(o), Fields.text(spec, "schedule"),
                        PodConvertor.orNone(Fields.text(spec, "timeZone")), boolPointer(spec.path("suspend")),
                        (long) Fields.size(o, "status", "active"),
                        lastSchedule.isPresent() ? Fields.since(lastSchedule, now) : "<none>", Fields.age(o, now)));
                cells.addAll(Fields.containerCells(Fields.at(spec, "jobTemplate", "spec", "template", "spec")));
                cells.add(Fields.formatSelector(Fields.at(spec, "jobTemplate", "spec", "selector")));
                return cells;
            });

    static String jobStatus(JsonNode job) {
        if (hasTrueCondition(job, "Complete")) {
            return "Complete";
        } else if (hasTrueCondition(job, "Failed")) {
            return "Failed";
        } else if (Fields.present(job, "metadata", "deletionTimestamp")) {
            return "Terminating";
        } else if (hasTrueCondition(job, "Suspended")) {
            return "Suspended";
        } else if (hasTrueCondition(job, "FailureTarget")) {
            return "FailureTarget";
        }
        return "Running";
    }

    private static String completions(JsonNode job) {
        long succeeded = Fields.integer(job, "status", "succeeded");
        if (Fields.present(job, "spec", "completions")) {
            return succeeded + "/" + Fields.integer(job, "spec", "completions");
        }
        long parallelism = Fields.integer(job, "spec", "parallelism");
        return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
    }

    private static String jobDuration(JsonNode job, Instant now) {
        Optional<Instant> start = Fields.time(job, "status", "startTime");
        if (start.isEmpty()) {
            return "";
        }
        Instant end = Fields.time(job, "status", "completionTime").orElse(now);
        return HumanDuration.format(Duration.between(start.get(), end));
    }

    /** The first condition of the type decides, as kube's {@code hasJobCondition}. */
    private static boolean hasTrueCondition(JsonNode job, String type) {
        for (JsonNode c : Fields.items(job, "status", "conditions")) {
            if (Fields.text(c, "type").equals(type)) {
                return Fields.text(c, "status").equals("True");
            }
        }
        return false;
    }

    /** kube's {@code printBoolPtr}: "True", "False", or "&lt;unset&gt;". */
    private static String boolPointer(JsonNode value) {
        if (!value.isBoolean()) {
            return "<unset>";
        }
        return value.booleanValue() ? "True" : "False";
    }
}
