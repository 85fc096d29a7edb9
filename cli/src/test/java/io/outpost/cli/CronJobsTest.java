package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The CronJob controller inside the whole server, on a controller clock the test moves forward
 * (the system clock plus an offset, so it stays consistent with the API server's timestamps): a
 * schedule of every minute fires when the clock passes the minute, not a real minute later. No
 * kubelet runs here: the test writes the pods' terminal phase, as a kubelet would.
 */
class CronJobsTest {

    /** The system clock plus an offset that only grows. */
    static final class DrivenClock extends Clock {
        private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        void advance(Duration d) {
            offset.updateAndGet(o -> o.plus(d));
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    @TempDir
    static Path dir;

    static final DrivenClock CLOCK = new DrivenClock();
    static ServerFixture server;
    static KubernetesClient client;
    static final String NS = "cron";
    static final Duration WAIT = Duration.ofSeconds(30);

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir, CLOCK);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Moves the controllers' clock to one second past the next whole minute; answers that minute. */
    static Instant passNextMinute() {
        Instant now = CLOCK.instant();
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        CLOCK.advance(Duration.between(now, minute).plusSeconds(1));
        return minute;
    }

    static void finishPods(String job, String phase) {
        for (Pod pod : client.pods().inNamespace(NS).withLabel("batch.kubernetes.io/job-name", job).list().getItems()) {
            if (pod.getStatus() != null && phase.equals(pod.getStatus().getPhase())) {
                continue;
            }
            pod.setStatus(new PodStatusBuilder().withPhase(phase).build());
            try {
                client.pods().inNamespace(NS).resource(pod).updateStatus();
            } catch (KubernetesClientException e) {
                // changed meanwhile: the next round marks it
            }
        }
    }

    static List<Job> jobsOf(String cronJob) {
        return client.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
                .filter(j -> j.getMetadata().getOwnerReferences() != null && j.getMetadata().getOwnerReferences().stream()
                        .anyMatch(r -> r.getName().equals(cronJob) && "CronJob".equals(r.getKind())))
                .toList();
    }

    static CronJob cronJob(String name, String policy) {
        return new CronJobBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withSchedule("* * * * *").withConcurrencyPolicy(policy).withSuccessfulJobsHistoryLimit(1)
                .withNewJobTemplate().withNewSpec().withBackoffLimit(0)
                .withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("tick").withImage("busybox:1.36").endContainer().endSpec()
                .endTemplate().endSpec().endJobTemplate().endSpec().build();
    }

    @Test
    void aCronJobStartsAJobEachMinuteRecordsItsRunsAndKeepsOneSuccessfulJob() {
        var cronJobs = client.batch().v1().cronjobs().inNamespace(NS);
        cronJobs.resource(cronJob("tick", "Allow")).create();

        passNextMinute();
        // The controllers' clock may already be minutes ahead of the creation (an earlier test moved
        // it): the most recent of the times missed since then is the one started.
        AtomicReference<String> started = new AtomicReference<>();
        await().atMost(WAIT).untilAsserted(() -> {
            CronJob cj = cronJobs.withName("tick").get();
            assertThat(cj.getStatus()).isNotNull();
            assertThat(cj.getStatus().getActive()).hasSize(1);
            started.set(cj.getStatus().getLastScheduleTime());
        });
        Instant first = Instant.parse(started.get());
        String firstName = "tick-" + first.getEpochSecond() / 60;
        assertThat(cronJobs.withName("tick").get().getStatus().getActive())
                .singleElement().satisfies(r -> assertThat(r.getName()).isEqualTo(firstName));
        Job job = client.batch().v1().jobs().inNamespace(NS).withName(firstName).get();
        assertThat(job.getMetadata().getAnnotations())
                .containsEntry("batch.kubernetes.io/cronjob-scheduled-timestamp", first.toString());

        await().atMost(WAIT).untilAsserted(() -> {
            finishPods(firstName, "Succeeded");
            CronJob cj = cronJobs.withName("tick").get();
            assertThat(cj.getStatus().getActive()).isNullOrEmpty();
            assertThat(cj.getStatus().getLastSuccessfulTime()).isNotNull();
        });

        Instant second = passNextMinute();
        String secondName = "tick-" + second.getEpochSecond() / 60;
        await().atMost(WAIT).untilAsserted(() -> {
            finishPods(secondName, "Succeeded");
            assertThat(jobsOf("tick")).extracting(j -> j.getMetadata().getName()).containsExactly(secondName);
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(NS).list().getItems())
                .filteredOn(e -> "tick".equals(e.getInvolvedObject().getName()))
                .extracting(e -> e.getReason())
                .contains("SuccessfulCreate", "SawCompletedJob", "SuccessfulDelete"));
    }

    @Test
    void forbidSkipsATimeWhileItsJobRunsAndReplaceReplacesIt() {
        var cronJobs = client.batch().v1().cronjobs().inNamespace(NS);
        cronJobs.resource(cronJob("forbid", "Forbid")).create();
        cronJobs.resource(cronJob("replace", "Replace")).create();
        passNextMinute();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(jobsOf("forbid")).hasSize(1);
            assertThat(jobsOf("replace")).hasSize(1);
            // The controller writes the CronJob's status after it creates the Job.
            assertThat(cronJobs.withName("forbid").get().getStatus()).isNotNull()
                    .satisfies(status -> assertThat(status.getLastScheduleTime()).isNotNull());
        });
        String forbidden = jobsOf("forbid").getFirst().getMetadata().getName();
        String lastForbidden = cronJobs.withName("forbid").get().getStatus().getLastScheduleTime();

        Instant second = passNextMinute();
        String replacement = "replace-" + second.getEpochSecond() / 60;
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(cronJobs.withName("replace").get().getStatus()).isNotNull();
            assertThat(cronJobs.withName("replace").get().getStatus().getActive())
                    .singleElement().satisfies(r -> assertThat(r.getName()).isEqualTo(replacement));
            assertThat(jobsOf("replace")).extracting(j -> j.getMetadata().getName()).containsExactly(replacement);
            assertThat(client.v1().events().inNamespace(NS).list().getItems())
                    .filteredOn(e -> "forbid".equals(e.getInvolvedObject().getName()))
                    .extracting(e -> e.getReason()).contains("JobAlreadyActive");
        });
        assertThat(jobsOf("forbid")).extracting(j -> j.getMetadata().getName()).containsExactly(forbidden);
        assertThat(cronJobs.withName("forbid").get().getStatus().getLastScheduleTime()).isEqualTo(lastForbidden);
    }
}
