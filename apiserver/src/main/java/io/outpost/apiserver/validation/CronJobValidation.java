package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * CronJobs, as kube's batch/v1 {@code SetDefaults_CronJob} and {@code ValidateCronJob}: defaults
 * concurrencyPolicy Allow, suspend false, three successful and one failed Job kept; a schedule in
 * cron syntax ({@link CronSchedules}) without {@code TZ=} (the {@code timeZone} field says that);
 * names of at most 52 characters, because the controller appends an 11-character
 * {@code -<timestamp>} to make a Job name of at most 63; a job template valid as a Job's spec whose
 * selector is left to the Job.
 *
 * <p>The job template gets only the pod template's defaults, not a Job's: kube's generated
 * defaulters reach the pod spec inside it but {@code SetDefaults_Job} runs on Jobs.
 */
final class CronJobValidation implements KindStrategy {

    static final List<String> CONCURRENCY_POLICIES = List.of("Allow", "Forbid", "Replace");
    /** kube's {@code validTimeZoneCharacters}. */
    private static final Pattern ZONE_PART = Pattern.compile("[A-Za-z.\\-_0-9+]{1,14}");
    /** kube's {@code DNS1035LabelMaxLength - 11}. */
    private static final int MAX_NAME = 52;

    @Override
    public void applyDefaults(ObjectNode cronJob) {
        ObjectNode spec = Trees.object(cronJob, "spec");
        Trees.defaultText(spec, "concurrencyPolicy", "Allow");
        Trees.defaultBoolean(spec, "suspend", false);
        Trees.defaultLong(spec, "successfulJobsHistoryLimit", 3);
        Trees.defaultLong(spec, "failedJobsHistoryLimit", 1);
        JobSpecs.defaultTemplate(Trees.object(Trees.object(spec, "jobTemplate"), "spec"));
    }

    @Override
    public List<FieldError> validate(ObjectNode cronJob) {
        return validate(cronJob, false);
    }

    /** @param tzAllowed kube lets an update keep a {@code TZ=} schedule that was stored before the rule */
    private static List<FieldError> validate(ObjectNode cronJob, boolean tzAllowed) {
        List<FieldError> errs = new ArrayList<>();
        String name = Trees.text(cronJob.path("metadata"), "name");
        if (name.length() > MAX_NAME) {
            errs.add(FieldError.invalid("metadata.name", name, "must be no more than 52 characters"));
        }
        JsonNode spec = cronJob.path("spec");
        String schedule = Trees.text(spec, "schedule");
        if (schedule.isEmpty()) {
            errs.add(FieldError.required("spec.schedule", ""));
        } else {
            CronSchedules.problem(schedule).ifPresent(p -> errs.add(FieldError.invalid("spec.schedule", schedule, p)));
            if (schedule.contains("TZ")) {
                if (!tzAllowed) {
                    errs.add(FieldError.invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
                } else if (!Trees.absent(spec, "timeZone")) {
                    errs.add(FieldError.invalid("spec.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
                }
            }
        }
        Workloads.nonNegative(spec, "startingDeadlineSeconds", "spec.", errs);
        String policy = Trees.text(spec, "concurrencyPolicy");
        if (policy.isEmpty()) {
            errs.add(FieldError.required("spec.concurrencyPolicy", ""));
        } else if (!CONCURRENCY_POLICIES.contains(policy)) {
            errs.add(FieldError.notSupported("spec.concurrencyPolicy", policy, CONCURRENCY_POLICIES));
        }
        Workloads.nonNegative(spec, "successfulJobsHistoryLimit", "spec.", errs);
        Workloads.nonNegative(spec, "failedJobsHistoryLimit", "spec.", errs);
        if (!Trees.absent(spec, "timeZone")) {
            timeZone(Trees.text(spec, "timeZone"), errs);
        }
        jobTemplate(spec.path("jobTemplate"), errs);
        return errs;
    }

    /** kube's {@code ValidateJobTemplateSpec}: a Job's spec whose selector will be generated. */
    private static void jobTemplate(JsonNode template, List<FieldError> errs) {
        String path = "spec.jobTemplate.spec.";
        JsonNode spec = template.path("spec");
        errs.addAll(MetadataValidation.labels(template.path("metadata").path("labels"), "spec.jobTemplate.metadata.labels"));
        errs.addAll(MetadataValidation.annotations(template.path("metadata").path("annotations"), "spec.jobTemplate.metadata.annotations"));
        errs.addAll(JobSpecs.validate(spec, path));
        if (!Trees.absent(spec, "selector")) {
            errs.add(FieldError.invalid(path + "selector", spec.get("selector"), "`selector` will be auto-generated"));
        }
        if (spec.path("manualSelector").asBoolean(false)) {
            errs.add(FieldError.notSupported(path + "manualSelector", true, List.of("nil", "false")));
        }
    }

    /** kube's {@code validateTimeZone}: an explicit IANA zone. */
    private static void timeZone(String zone, List<FieldError> errs) {
        String path = "spec.timeZone";
        if (zone.isEmpty()) {
            errs.add(FieldError.invalid(path, zone, "timeZone must be nil or non-empty string"));
            return;
        }
        for (String part : zone.split("/", -1)) {
            if (part.equals(".") || part.equals("..") || part.startsWith("-") || !ZONE_PART.matcher(part).matches()) {
                errs.add(FieldError.invalid(path, zone, "unknown time zone " + zone));
                return;
            }
        }
        if (zone.equalsIgnoreCase("Local")) {
            errs.add(FieldError.invalid(path, zone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
        } else if (!TimeZones.known(zone)) {
            errs.add(FieldError.invalid(path, zone, "unknown time zone " + zone));
        }
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode cronJob, ObjectNode old) {
        return validate(cronJob, Trees.text(old.path("spec"), "schedule").contains("TZ"));
    }
}
