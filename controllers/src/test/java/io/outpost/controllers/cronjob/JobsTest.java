package io.outpost.controllers.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

class JobsTest {

    static Job job(String name, String startTime) {
        return new JobBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus().withStartTime(startTime).endStatus().build();
    }

    record Case(String name, List<Job> finished, int limit, List<String> deleted) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> pruning() {
        Job a = job("a", "2026-01-01T10:00:00Z");
        Job b = job("b", "2026-01-01T11:00:00Z");
        Job c = job("c", "2026-01-01T12:00:00Z");
        Job never = job("never", null);
        Job twin = job("a2", "2026-01-01T10:00:00Z");
        return Stream.of(
                new Case("Within the limit nothing is deleted", List.of(a, b), 3, List.of()),
                new Case("Beyond the limit the oldest go first", List.of(c, a, b), 1, List.of("a", "b")),
                new Case("A limit of zero deletes every finished Job", List.of(b, a), 0, List.of("a", "b")),
                new Case("A Job that never started counts as the newest", List.of(never, a, c), 1, List.of("a", "c")),
                new Case("Jobs started at the same time go by name", List.of(twin, a, c), 1, List.of("a", "a2")));
    }

    @ParameterizedTest
    @MethodSource("pruning")
    void prunesTheOldestBeyondTheHistoryLimit(Case c) {
        assertThat(Jobs.beyondLimit(c.finished(), c.limit())).extracting(j -> j.getMetadata().getName())
                .containsExactlyElementsOf(c.deleted());
    }

    static CronJob cronJob(String zone) {
        return new CronJobBuilder().withNewMetadata().withName("report").withNamespace("ns").withUid("u1").endMetadata()
                .withNewSpec().withSchedule("0 9 * * *").withTimeZone(zone)
                .withNewJobTemplate().withNewMetadata().addToLabels("team", "a").addToAnnotations("note", "x").endMetadata()
                .withNewSpec().withBackoffLimit(2).endSpec().endJobTemplate().endSpec().build();
    }

    @Test
    void aJobIsNamedByItsScheduledMinuteAndCarriesItsScheduledTimestampInTheCronJobsZone() {
        Instant scheduled = Instant.parse("2026-01-01T00:00:00Z");
        Job job = Jobs.fromTemplate(cronJob("Asia/Tokyo"), scheduled, ZoneOffset.UTC);
        assertThat(job.getMetadata().getName()).isEqualTo("report-29453760");
        assertThat(job.getMetadata().getAnnotations())
                .containsEntry(Jobs.SCHEDULED_TIMESTAMP, "2026-01-01T09:00:00+09:00").containsEntry("note", "x");
        assertThat(job.getMetadata().getLabels()).containsEntry("team", "a");
        assertThat(job.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
            assertThat(r.getKind()).isEqualTo("CronJob");
            assertThat(r.getUid()).isEqualTo("u1");
            assertThat(r.getController()).isTrue();
        });
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
        assertThat(Jobs.fromTemplate(cronJob(null), scheduled, ZoneOffset.UTC).getMetadata().getAnnotations())
                .containsEntry(Jobs.SCHEDULED_TIMESTAMP, "2026-01-01T00:00:00Z");
    }
}
