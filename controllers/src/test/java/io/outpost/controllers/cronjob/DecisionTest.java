package io.outpost.controllers.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.outpost.testing.FakeClock;

class DecisionTest {

    /** Created at 10:00:30; "* * * * *" is due at 10:01, 10:02, ... */
    static final Instant CREATED = Instant.parse("2026-01-01T10:00:30Z");

    static CronJob cronJob(String schedule, UnaryOperator<CronJobBuilder> more) {
        return more.apply(new CronJobBuilder().withNewMetadata().withName("report").withNamespace("ns").withUid("u1")
                .withCreationTimestamp(CREATED.toString()).endMetadata()
                .withNewSpec().withSchedule(schedule).withConcurrencyPolicy("Allow").withSuspend(false)
                .withNewJobTemplate().withNewSpec().endSpec().endJobTemplate().endSpec()).build();
    }

    static UnaryOperator<CronJobBuilder> lastScheduled(String at) {
        return b -> b.withNewStatus().withLastScheduleTime(at).endStatus();
    }

    static UnaryOperator<CronJobBuilder> running(String policy, String lastAt) {
        return b -> b.editSpec().withConcurrencyPolicy(policy).endSpec()
                .withNewStatus().withLastScheduleTime(lastAt).withActive(new ObjectReferenceBuilder().withKind("Job")
                        .withNamespace("ns").withName("report-29432041").withUid("j1").build()).endStatus();
    }

    record Case(String name, CronJob cronJob, Duration sinceCreation, String start, boolean replace, Duration requeue,
                List<String> reasons) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("Before the first scheduled time nothing starts; it looks again just after it",
                        cronJob("* * * * *", b -> b), Duration.ofSeconds(10), null, false, Duration.ofMillis(20_100), List.of()),
                new Case("At the scheduled time a Job starts; it looks again at the next one",
                        cronJob("* * * * *", b -> b), Duration.ofSeconds(30), "2026-01-01T10:01:00Z", false,
                        Duration.ofMillis(60_100), List.of()),
                new Case("After several missed times only the most recent starts",
                        cronJob("* * * * *", b -> b), Duration.ofMinutes(5), "2026-01-01T10:05:00Z", false,
                        Duration.ofMillis(30_100), List.of()),
                new Case("A time already started is not started again",
                        cronJob("* * * * *", lastScheduled("2026-01-01T10:01:00Z")), Duration.ofSeconds(45), null, false,
                        Duration.ofMillis(45_100), List.of()),
                new Case("More than 100 missed times warn, and the most recent still starts",
                        cronJob("* * * * *", b -> b), Duration.ofHours(3), "2026-01-01T13:00:00Z", false,
                        Duration.ofMillis(30_100), List.of("TooManyMissedTimes")),
                new Case("startingDeadlineSeconds bounds the search, so a long outage is not too many missed times",
                        cronJob("* * * * *", b -> b.editSpec().withStartingDeadlineSeconds(200L).endSpec()), Duration.ofHours(3),
                        "2026-01-01T13:00:00Z", false, Duration.ofMillis(30_100), List.of()),
                new Case("A scheduled time older than startingDeadlineSeconds is not started; it waits for the next",
                        cronJob("0 * * * *", b -> b.editSpec().withStartingDeadlineSeconds(10L).endSpec()),
                        Duration.ofMinutes(59).plusSeconds(50), null, false, Duration.ofMillis(3_600_000 - 20_000 + 100),
                        List.of()),
                new Case("A scheduled time within startingDeadlineSeconds still starts",
                        cronJob("0 * * * *", b -> b.editSpec().withStartingDeadlineSeconds(60L).endSpec()),
                        Duration.ofMinutes(59).plusSeconds(50), "2026-01-01T11:00:00Z", false,
                        Duration.ofMillis(3_600_000 - 20_000 + 100), List.of()),
                new Case("A suspended CronJob starts nothing and waits for a change",
                        cronJob("* * * * *", b -> b.editSpec().withSuspend(true).endSpec()), Duration.ofMinutes(5), null, false,
                        null, List.of()),
                new Case("Forbid skips a time while a Job runs",
                        cronJob("* * * * *", running("Forbid", "2026-01-01T10:01:00Z")), Duration.ofSeconds(95), null, false,
                        Duration.ofMillis(55_100), List.of("JobAlreadyActive")),
                new Case("Allow starts the next Job beside the running one",
                        cronJob("* * * * *", running("Allow", "2026-01-01T10:01:00Z")), Duration.ofSeconds(95),
                        "2026-01-01T10:02:00Z", false, Duration.ofMillis(55_100), List.of()),
                new Case("Replace deletes the running Job before starting the next",
                        cronJob("* * * * *", running("Replace", "2026-01-01T10:01:00Z")), Duration.ofSeconds(95),
                        "2026-01-01T10:02:00Z", true, Duration.ofMillis(55_100), List.of()),
                new Case("The time zone field moves the schedule into that zone",
                        cronJob("0 19 * * *", b -> b.editSpec().withTimeZone("Asia/Tokyo").endSpec()), Duration.ofMinutes(2),
                        null, false, Duration.ofMillis(86_400_000 - 150_000 + 100), List.of()),
                new Case("An unknown time zone starts nothing, with kube's event",
                        cronJob("* * * * *", b -> b.editSpec().withTimeZone("Mars/Olympus").endSpec()), Duration.ofMinutes(5), null,
                        false, null, List.of("UnknownTimeZone")),
                new Case("A TZ= prefix in the schedule still works, with a warning",
                        cronJob("TZ=UTC * * * * *", b -> b), Duration.ofSeconds(30), "2026-01-01T10:01:00Z", false,
                        Duration.ofMillis(60_100), List.of("UnsupportedSchedule")),
                new Case("A schedule that does not parse starts nothing, with kube's event",
                        cronJob("61 * * * *", b -> b), Duration.ofMinutes(5), null, false, null, List.of("UnparseableSchedule")),
                new Case("A schedule that never comes is invalid, with kube's event",
                        cronJob("0 0 30 2 *", b -> b), Duration.ofMinutes(5), null, false, null, List.of("InvalidSchedule")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decides(Case c) {
        FakeClock clock = new FakeClock(CREATED);
        clock.advance(c.sinceCreation());
        Decision d = Decision.of(c.cronJob(), clock.instant(), ZoneOffset.UTC);
        assertThat(d.events()).extracting(Decision.Event::reason).containsExactlyElementsOf(c.reasons());
        assertThat(d.start().map(Instant::toString).orElse(null)).isEqualTo(c.start());
        assertThat(d.replaceActive()).isEqualTo(c.replace());
        assertThat(d.requeueAfter().orElse(null)).isEqualTo(c.requeue());
    }
}
