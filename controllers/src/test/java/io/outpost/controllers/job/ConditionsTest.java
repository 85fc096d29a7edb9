package io.outpost.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.outpost.testing.FakeClock;

class ConditionsTest {

    static final FakeClock CLOCK = new FakeClock();

    static JobCondition suspended(String status) {
        return JobController.condition("Suspended", status, "x", "x", CLOCK.instant());
    }

    record Case(String name, List<JobCondition> old, boolean suspend, Decision.Finish finish, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A running Job has no conditions", List.of(), false, null, List.of()),
                new Case("A suspended Job is Suspended", List.of(), true, null, List.of("Suspended=True/JobSuspended")),
                new Case("A resumed Job is no longer Suspended", List.of(suspended("True")), false, null,
                        List.of("Suspended=False/JobResumed")),
                new Case("A completed Job meets its success criteria and is Complete", List.of(), false, Decision.Finish.COMPLETE,
                        List.of("SuccessCriteriaMet=True/CompletionsReached", "Complete=True/CompletionsReached")),
                new Case("A Job past its backoff limit is a failure target and Failed", List.of(), false,
                        Decision.Finish.BACKOFF_LIMIT_EXCEEDED,
                        List.of("FailureTarget=True/BackoffLimitExceeded", "Failed=True/BackoffLimitExceeded")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void next(Case c) {
        List<JobCondition> next = Conditions.next(c.old(), c.suspend(), Optional.ofNullable(c.finish()), CLOCK.instant());
        assertThat(next).extracting(x -> x.getType() + "=" + x.getStatus() + "/" + x.getReason())
                .containsExactlyElementsOf(c.expected());
    }
}
