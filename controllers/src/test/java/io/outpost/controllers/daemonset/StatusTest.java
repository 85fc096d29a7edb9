package io.outpost.controllers.daemonset;

import static io.outpost.controllers.daemonset.NodePlanTest.DS;
import static io.outpost.controllers.daemonset.NodePlanTest.node;
import static io.outpost.controllers.daemonset.RollingUpdateTest.NOW;
import static io.outpost.controllers.daemonset.RollingUpdateTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;

class StatusTest {

    @Test
    void nodesAreCountedByWhatTheirDaemonPodIs() {
        var nodes = List.of(node("a", true), node("b", true), node("c", true), node("d", true), node("x", false));
        var pods = NodePlan.byNode(List.of(pod("a", "new", true), pod("b", "old", true), pod("c", "new", false),
                pod("x", "new", true)));
        DaemonSet ds = new DaemonSetBuilder(DS).editMetadata().withGeneration(4L).endMetadata().build();
        DaemonSetStatus s = Status.calculate(ds, nodes, pods, "new", NOW, true);
        assertThat(s.getDesiredNumberScheduled()).as("a, b, c, d").isEqualTo(4);
        assertThat(s.getCurrentNumberScheduled()).as("a, b, c").isEqualTo(3);
        assertThat(s.getNumberReady()).as("a, b").isEqualTo(2);
        assertThat(s.getNumberAvailable()).isEqualTo(2);
        assertThat(s.getNumberUnavailable()).as("c and d").isEqualTo(2);
        assertThat(s.getUpdatedNumberScheduled()).as("a, c").isEqualTo(2);
        assertThat(s.getNumberMisscheduled()).as("x is not labelled").isEqualTo(1);
        assertThat(s.getObservedGeneration()).isEqualTo(4L);
    }

    @Test
    void ofTwoPodsOnANodeTheOldestCountsSoASurgeKeepsTheNodeReadyAndNotYetUpdated() {
        var surge = new io.fabric8.kubernetes.api.model.PodBuilder(pod("a", "new", false)).editMetadata()
                .withCreationTimestamp("2026-11-25T11:30:00Z").endMetadata().build();
        var pods = NodePlan.byNode(List.of(surge, pod("a", "old", true)));
        DaemonSetStatus s = Status.calculate(DS, List.of(node("a", true)), pods, "new", NOW, true);
        assertThat(s.getNumberReady()).isEqualTo(1);
        assertThat(s.getUpdatedNumberScheduled()).isZero();
    }

    @Test
    void withoutActingOnANewGenerationTheObservedOneStays() {
        DaemonSet ds = new DaemonSetBuilder(DS).editMetadata().withGeneration(5L).endMetadata()
                .withNewStatus().withObservedGeneration(4L).endStatus().build();
        assertThat(Status.calculate(ds, List.of(), NodePlan.byNode(List.of()), "new", NOW, false).getObservedGeneration())
                .isEqualTo(4L);
    }
}
