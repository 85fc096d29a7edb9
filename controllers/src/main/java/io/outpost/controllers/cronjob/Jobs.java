package io.outpost.controllers.cronjob;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

/**
 * The Jobs of a CronJob, as kube's cronjob {@code utils.go} makes and reads them: a Job per
 * scheduled time named {@code <cronjob>-<minutes since the epoch>} (deterministic, so one time is
 * never started twice), its template's labels and annotations plus
 * {@code batch.kubernetes.io/cronjob-scheduled-timestamp}; finished when its Complete or Failed
 * condition is True; the oldest finished ones beyond a history limit deleted first.
 */
final class Jobs {

    static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    /** Go's {@code time.RFC3339} for whole seconds: "Z" in UTC, else the offset. */
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

    private Jobs() {
    }

    /** kube's {@code getJobName}: the CronJob's name and the scheduled time in minutes since the epoch. */
    static String name(CronJob cronJob, Instant scheduled) {
        return cronJob.getMetadata().getName() + "-" + scheduled.getEpochSecond() / 60;
    }

    /** kube's {@code getJobFromTemplate2}: the Job to create for {@code scheduled}. */
    static Job fromTemplate(CronJob cronJob, Instant scheduled, ZoneId localZone) {
        var template = cronJob.getSpec().getJobTemplate();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        if (template.getMetadata() != null) {
            Optional.ofNullable(template.getMetadata().getLabels()).ifPresent(labels::putAll);
            Optional.ofNullable(template.getMetadata().getAnnotations()).ifPresent(annotations::putAll);
        }
        String tz = cronJob.getSpec().getTimeZone();
        ZoneId zone = tz == null ? localZone : tz.equals("UTC") ? ZoneOffset.UTC : ZoneId.of(tz);
        annotations.put(SCHEDULED_TIMESTAMP, RFC3339.format(scheduled.atZone(zone)));
        return new JobBuilder().withNewMetadata()
                .withName(name(cronJob, scheduled)).withNamespace(cronJob.getMetadata().getNamespace())
                .withLabels(labels).withAnnotations(annotations)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("CronJob")
                        .withName(cronJob.getMetadata().getName()).withUid(cronJob.getMetadata().getUid())
                        .withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withSpec(template.getSpec()).build();
    }

    /** The type of the Job's True Complete or Failed condition (kube's {@code getFinishedStatus}), if it finished. */
    static Optional<String> finished(Job job) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()))
                .map(c -> c.getType()).findFirst();
    }

    /**
     * kube's {@code removeOldestJobs}: the Jobs beyond {@code limit}, oldest start first (a Job
     * never started sorts last; ties by name).
     */
    static List<Job> beyondLimit(List<Job> finished, int limit) {
        int excess = finished.size() - limit;
        if (excess <= 0) {
            return List.of();
        }
        Comparator<Job> byStart = Comparator.comparing((Job j) -> startTime(j).orElse(Instant.MAX))
                .thenComparing(j -> j.getMetadata().getName());
        return finished.stream().sorted(byStart).limit(excess).toList();
    }

    private static Optional<Instant> startTime(Job job) {
        return job.getStatus() == null || job.getStatus().getStartTime() == null
                ? Optional.empty() : Optional.of(Instant.parse(job.getStatus().getStartTime()));
    }
}
