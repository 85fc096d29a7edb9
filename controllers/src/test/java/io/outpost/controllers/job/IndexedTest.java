package io.outpost.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class IndexedTest {

    static Pod pod(String name, String index, String created) {
        return new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp(created)
                .addToAnnotations(index == null ? java.util.Map.of() : java.util.Map.of(Indexes.ANNOTATION, index)).endMetadata().build();
    }

    record Case(String name, List<Pod> active, Set<Integer> done, int completions, List<String> surplus, int create,
                List<Integer> created) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A new Job creates the lowest indexes", List.of(), Set.of(), 5, List.of(), 2, List.of(0, 1)),
                new Case("Indexes with a pod or done are skipped",
                        List.of(pod("a", "0", "t1")), Set.of(1, 3), 5, List.of(), 2, List.of(2, 4)),
                new Case("A second pod for an index is surplus, the newer one",
                        List.of(pod("new", "2", "t2"), pod("old", "2", "t1")), Set.of(), 3, List.of("new"), 0, List.of()),
                new Case("A pod without a valid index is surplus",
                        List.of(pod("x", "abc", "t1"), pod("y", null, "t1")), Set.of(), 3, List.of("x", "y"), 0, List.of()),
                new Case("A pod for an index beyond completions or already done is surplus",
                        List.of(pod("far", "7", "t1"), pod("done", "1", "t1")), Set.of(1), 3, List.of("done", "far"), 0, List.of()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void keepsOnePodPerIndexAndCreatesTheLowestFreeOnes(Case c) {
        Indexed.Partition p = Indexed.partition(c.active(), c.done(), c.completions());
        assertThat(p.surplus()).extracting(x -> x.getMetadata().getName()).containsExactlyInAnyOrderElementsOf(c.surplus());
        assertThat(Indexed.toCreate(p, c.done(), c.completions(), c.create())).containsExactlyElementsOf(c.created());
    }

    @Test
    void scalingDownDeletesTheHighestIndexesFirst() {
        Indexed.Partition p = Indexed.partition(List.of(pod("a", "0", "t"), pod("c", "4", "t"), pod("b", "2", "t")), Set.of(), 5);
        assertThat(Indexed.toScaleDown(p, 2)).extracting(x -> x.getMetadata().getName()).containsExactly("c", "b");
    }

    @Test
    void anIndexedPodCarriesItsIndexHostnameAndEnvironment() {
        var job = new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder().withNewMetadata().withName("render").withNamespace("ns")
                .withUid("u").endMetadata().withNewSpec().withCompletionMode("Indexed").withCompletions(3)
                .withNewTemplate().withNewMetadata().addToLabels("app", "r").endMetadata()
                .withNewSpec().addNewContainer().withName("work").withImage("busybox").endContainer().endSpec().endTemplate()
                .endSpec().build();
        Pod pod = PodTemplates.forJob(job, java.util.OptionalInt.of(2));
        assertThat(pod.getMetadata().getGenerateName()).isEqualTo("render-2-");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry(Indexes.ANNOTATION, "2");
        assertThat(pod.getMetadata().getLabels()).containsEntry(Indexes.ANNOTATION, "2").containsEntry("app", "r");
        assertThat(pod.getSpec().getHostname()).isEqualTo("render-2");
        assertThat(pod.getSpec().getContainers().getFirst().getEnv()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("JOB_COMPLETION_INDEX");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.labels['batch.kubernetes.io/job-completion-index']");
        });
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv()).isEmpty();
        Pod plain = PodTemplates.forJob(job, java.util.OptionalInt.empty());
        assertThat(plain.getMetadata().getGenerateName()).isEqualTo("render-");
        assertThat(plain.getSpec().getHostname()).isNull();
    }
}
