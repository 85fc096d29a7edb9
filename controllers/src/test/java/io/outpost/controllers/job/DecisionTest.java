package io.outpost.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import io.outpost.controllers.job.Decision.Counts;
import io.outpost.controllers.job.Decision.Finish;
import io.outpost.testing.FakeClock;

class DecisionTest {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    static JobSpec spec(Integer completions, int parallelism, int backoffLimit, Long deadline, boolean suspend) {
        return new JobSpecBuilder().withCompletions(completions).withParallelism(parallelism).withBackoffLimit(backoffLimit)
                .withActiveDeadlineSeconds(deadline).withSuspend(suspend).build();
    }

    record Case(String name, JobSpec spec, Counts counts, Duration elapsed, Finish finish, int create, int delete) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A new Job of one completion creates one pod",
                        spec(1, 1, 6, null, false), new Counts(0, 0, 0), Duration.ZERO, null, 1, 0),
                new Case("A Job creates at most parallelism pods",
                        spec(5, 2, 6, null, false), new Counts(0, 0, 0), Duration.ZERO, null, 2, 0),
                new Case("A Job never runs more pods than the completions still missing",
                        spec(5, 3, 6, null, false), new Counts(1, 3, 0), Duration.ZERO, null, 1, 0),
                new Case("A Job replaces a failed pod while under its backoff limit",
                        spec(1, 1, 2, null, false), new Counts(0, 0, 2), Duration.ZERO, null, 1, 0),
                new Case("A Job with more failures than its backoff limit fails and deletes its active pods",
                        spec(3, 2, 1, null, false), new Counts(2, 0, 2), Duration.ZERO, Finish.BACKOFF_LIMIT_EXCEEDED, 0, 2),
                new Case("A Job with backoffLimit 0 fails on its first failure",
                        spec(1, 1, 0, null, false), new Counts(0, 0, 1), Duration.ZERO, Finish.BACKOFF_LIMIT_EXCEEDED, 0, 0),
                new Case("A Job completes once its completions succeeded",
                        spec(2, 2, 6, null, false), new Counts(0, 2, 1), Duration.ZERO, Finish.COMPLETE, 0, 0),
                new Case("A Job started activeDeadlineSeconds ago fails with DeadlineExceeded",
                        spec(1, 1, 6, 30L, false), new Counts(1, 0, 0), Duration.ofSeconds(30), Finish.DEADLINE_EXCEEDED, 0, 1),
                new Case("A Job within its deadline keeps running",
                        spec(1, 1, 6, 30L, false), new Counts(1, 0, 0), Duration.ofSeconds(29), null, 0, 0),
                new Case("A suspended Job never passes its deadline",
                        spec(1, 1, 6, 30L, true), new Counts(0, 0, 0), Duration.ofSeconds(60), null, 0, 0),
                new Case("A suspended Job deletes its active pods and creates none",
                        spec(3, 3, 6, null, true), new Counts(2, 0, 0), Duration.ZERO, null, 0, 2),
                new Case("A work queue Job creates no more pods once one succeeded",
                        spec(null, 3, 6, null, false), new Counts(2, 1, 0), Duration.ZERO, null, 0, 0),
                new Case("A work queue Job completes once one succeeded and none is active",
                        spec(null, 3, 6, null, false), new Counts(0, 1, 0), Duration.ZERO, Finish.COMPLETE, 0, 0),
                new Case("A work queue Job with nothing succeeded runs parallelism pods",
                        spec(null, 3, 6, null, false), new Counts(1, 0, 0), Duration.ZERO, null, 2, 0));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decides(Case c) {
        FakeClock clock = new FakeClock(START);
        clock.advance(c.elapsed());
        Decision d = Decision.of(c.spec(), c.counts(), Optional.of(START), clock.instant());
        assertThat(d.finish()).isEqualTo(Optional.ofNullable(c.finish()));
        assertThat(d.create()).isEqualTo(c.create());
        assertThat(d.delete()).isEqualTo(c.delete());
    }

    @org.junit.jupiter.api.Test
    void aFailJobMatchWinsOverEverythingAndFailedIndexesComeAfterTheBackoffLimit() {
        Finish policy = Finish.podFailurePolicy("Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 0");
        Decision failJob = Decision.of(spec(3, 3, 0, null, false), new Counts(2, 0, 5), Optional.of(START), START,
                Optional.of(policy), Optional.of(Finish.FAILED_INDEXES));
        assertThat(failJob.finish()).contains(policy);
        assertThat(failJob.delete()).isEqualTo(2);
        Decision backoff = Decision.of(spec(3, 3, 0, null, false), new Counts(0, 0, 1), Optional.of(START), START,
                Optional.empty(), Optional.of(Finish.FAILED_INDEXES));
        assertThat(backoff.finish()).contains(Finish.BACKOFF_LIMIT_EXCEEDED);
        Decision indexes = Decision.of(spec(4, 4, Integer.MAX_VALUE, null, false), new Counts(0, 3, 1, 1, 0), Optional.of(START), START,
                Optional.empty(), Optional.of(Finish.FAILED_INDEXES));
        assertThat(indexes.finish()).contains(Finish.FAILED_INDEXES);
        Decision running = Decision.of(spec(4, 4, Integer.MAX_VALUE, null, false), new Counts(1, 1, 1, 1, 0), Optional.of(START), START,
                Optional.empty(), Optional.empty());
        assertThat(running.create()).as("a failed index is not run again").isEqualTo(1);
    }

    @org.junit.jupiter.api.Test
    void terminatingPodsHoldBackReplacementsOnlyWhenOnlyFailedPodsAreReplaced() {
        JobSpec replaceTerminating = spec(3, 3, 6, null, false);
        JobSpec onlyFailed = new JobSpecBuilder(replaceTerminating).withPodReplacementPolicy("Failed").build();
        Counts counts = new Counts(1, 0, 0, 0, 2);
        assertThat(Decision.of(replaceTerminating, counts, Optional.of(START), START).create()).isEqualTo(2);
        assertThat(Decision.of(onlyFailed, counts, Optional.of(START), START).create()).isZero();
    }
}
