package io.outpost.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class DeletionRankingTest {

    static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp("2026-01-01T00:00:00Z").endMetadata()
                .withNewSpec().withNodeName("n1").endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True")
                .withLastTransitionTime("2026-01-01T00:00:00Z").endCondition().endStatus();
    }

    static Pod running(String name) {
        return pod(name).build();
    }

    record Case(String name, Pod expendable, Pod kept) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("An unscheduled pod goes before a scheduled one",
                        pod("a").editSpec().withNodeName(null).endSpec().build(), running("b")),
                new Case("A pending pod goes before a running one",
                        pod("a").editStatus().withPhase("Pending").endStatus().build(), running("b")),
                new Case("A pod that is not ready goes before a ready one",
                        pod("a").editStatus().editFirstCondition().withStatus("False").endCondition().endStatus().build(), running("b")),
                new Case("A lower pod-deletion-cost goes first",
                        pod("a").editMetadata().addToAnnotations(DeletionRanking.DELETION_COST, "-5").endMetadata().build(), running("b")),
                new Case("A pod ready more recently goes first",
                        pod("a").editStatus().editFirstCondition().withLastTransitionTime("2026-01-02T00:00:00Z").endCondition()
                                .endStatus().build(), running("b")),
                new Case("A pod with more restarts goes first",
                        pod("a").editStatus().addNewContainerStatus().withName("c").withRestartCount(3).endContainerStatus()
                                .endStatus().build(), running("b")),
                new Case("A newer pod goes first",
                        pod("a").editMetadata().withCreationTimestamp("2026-01-03T00:00:00Z").endMetadata().build(), running("b")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theCheapestPodIsDeletedFirst(Case c) {
        assertThat(DeletionRanking.podsToDelete(List.of(c.kept(), c.expendable()), List.of(), 1))
                .extracting(p -> p.getMetadata().getName()).containsExactly("a");
        assertThat(DeletionRanking.podsToDelete(List.of(c.expendable(), c.kept()), List.of(), 1))
                .extracting(p -> p.getMetadata().getName()).containsExactly("a");
    }
}
