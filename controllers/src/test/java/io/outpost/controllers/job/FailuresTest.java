package io.outpost.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

class FailuresTest {

    static Pod pod(String name, int index, String phase, Integer exitCode) {
        var b = new PodBuilder().withNewMetadata().withName(name).withNamespace("ns")
                .addToAnnotations(Indexes.ANNOTATION, Integer.toString(index)).endMetadata().withNewStatus().withPhase(phase);
        if (exitCode != null) {
            b.addNewContainerStatus().withName("main").withNewState().withNewTerminated().withExitCode(exitCode).endTerminated()
                    .endState().endContainerStatus();
        }
        return b.endStatus().build();
    }

    static Job job(Integer perIndex, Integer maxFailed) {
        return new JobBuilder().withNewMetadata().withName("j").withNamespace("ns").endMetadata().withNewSpec()
                .withCompletionMode("Indexed").withCompletions(4).withParallelism(4).withBackoffLimitPerIndex(perIndex)
                .withMaxFailedIndexes(maxFailed).withNewPodFailurePolicy()
                .addNewRule().withAction("Ignore").withNewOnExitCodes().withOperator("In").withValues(9).endOnExitCodes().endRule()
                .addNewRule().withAction("FailIndex").withNewOnExitCodes().withOperator("In").withValues(3).endOnExitCodes().endRule()
                .addNewRule().withAction("FailJob").withNewOnExitCodes().withOperator("In").withValues(42).endOnExitCodes().endRule()
                .endPodFailurePolicy().endSpec().build();
    }

    record Case(String name, Job job, List<Pod> pods, int counted, String failJob, String succeeded, String failed, String finish) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("Succeeded pods complete their indexes", job(null, null),
                        List.of(pod("a", 0, "Succeeded", null), pod("b", 2, "Succeeded", null)), 0, null, "0,2", "", null),
                new Case("An ignored failure is not counted", job(null, null), List.of(pod("a", 1, "Failed", 9)), 0, null, "", "", null),
                new Case("A FailJob match fails the Job with the pod's message", job(null, null),
                        List.of(pod("a", 1, "Failed", 42)), 1,
                        "Container main for pod ns/a failed with exit code 42 matching FailJob rule at index 2", "", "", null),
                new Case("An index failing more often than backoffLimitPerIndex fails for good", job(1, null),
                        List.of(pod("a", 1, "Failed", 1), pod("b", 1, "Failed", 1), pod("c", 2, "Failed", 1)), 3, null, "", "1", null),
                new Case("FailIndex fails the index at once", job(5, null), List.of(pod("a", 3, "Failed", 3)), 1, null, "", "3", null),
                new Case("More failed indexes than maxFailedIndexes fail the Job", job(0, 1),
                        List.of(pod("a", 0, "Failed", 1), pod("b", 1, "Failed", 1)), 2, null, "", "0,1", "MaxFailedIndexesExceeded"),
                new Case("Once every index ended with some failed the Job fails", job(0, null),
                        List.of(pod("a", 0, "Failed", 1), pod("b", 1, "Succeeded", null), pod("c", 2, "Succeeded", null),
                                pod("d", 3, "Succeeded", null)), 1, null, "1-3", "0", "FailedIndexes"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void countsFailuresAndIndexesAsKubeDoes(Case c) {
        Failures f = Failures.of(c.job(), new ArrayList<>(c.pods()), new JobStatus());
        assertThat(f.counted()).isEqualTo(c.counted());
        assertThat(f.failJob().map(Decision.Finish::message).orElse(null)).isEqualTo(c.failJob());
        assertThat(Indexes.format(f.succeededIndexes())).isEqualTo(c.succeeded());
        assertThat(Indexes.format(f.failedIndexes())).isEqualTo(c.failed());
        assertThat(f.indexFinish(f.succeededIndexes().size()).map(Decision.Finish::reason).orElse(null)).isEqualTo(c.finish());
    }
}
