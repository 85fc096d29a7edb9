package io.outpost.controllers.daemonset;

import static io.outpost.controllers.daemonset.RollingUpdateTest.NOW;
import static io.outpost.controllers.daemonset.RollingUpdateTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.outpost.testing.FakeClock;

class NodePlanTest {

    static final DaemonSet DS = new DaemonSetBuilder().withNewMetadata().withName("d").withNamespace("ns").withUid("u").endMetadata()
            .withNewSpec().withNewTemplate().withNewSpec().withNodeSelector(Map.of("logs", "ship")).addNewContainer()
            .withName("c").withImage("i").endContainer().endSpec().endTemplate().endSpec().build();

    static Node node(String name, boolean labelled) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labelled ? Map.of("logs", "ship") : Map.of())
                .endMetadata().build();
    }

    static Pod older(Pod pod) {
        return new PodBuilder(pod).editMetadata().withName(pod.getMetadata().getName() + "-older")
                .withCreationTimestamp("2026-11-25T10:00:00Z").endMetadata().build();
    }

    static Pod failed(Pod pod) {
        return new PodBuilder(pod).editStatus().withPhase("Failed").endStatus().build();
    }

    static Pod unscheduled(String name, String target) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata().withNewSpec()
                .withAffinity(Eligibility.pinnedTo(null, target)).endSpec().build();
    }

    record Case(String name, List<Node> nodes, List<Pod> pods, boolean surge, List<String> create, List<String> delete) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        Pod a = pod("a", "new", true);
        return Stream.of(
                new Case("A labelled node without a pod gets one; an unlabelled one does not",
                        List.of(node("a", true), node("b", false)), List.of(), false, List.of("a"), List.of()),
                new Case("A pod on a node that lost its label is deleted", List.of(node("a", false)), List.of(a), false,
                        List.of(), List.of("a-new")),
                new Case("Of two pods on a node the oldest stays", List.of(node("a", true)), List.of(a, older(a)), false,
                        List.of(), List.of("a-new")),
                new Case("A pod being deleted still holds its node: no second pod yet", List.of(node("a", true)),
                        List.of(new PodBuilder(a).editMetadata().withDeletionTimestamp("2026-11-25T11:59:00Z").endMetadata().build()),
                        false, List.of(), List.of()),
                new Case("An unscheduled pod for a node that is gone is deleted", List.of(node("a", true)),
                        List.of(a, unscheduled("ghost", "gone")), false, List.of(), List.of("ghost")),
                new Case("A pod bound to a node that is gone is left to the pod garbage collector", List.of(node("a", true)),
                        List.of(a, pod("gone", "new", true)), false, List.of(), List.of()),
                new Case("With surge, an old pod not ready goes beside its updated one", List.of(node("a", true)),
                        List.of(pod("a", "new", false), pod("a", "old", false)), true, List.of(), List.of("a-old")),
                new Case("With surge, a ready old pod stays until the updated one is available", List.of(node("a", true)),
                        List.of(pod("a", "new", false), pod("a", "old", true)), true, List.of(), List.of()),
                new Case("A Succeeded pod is deleted without back-off", List.of(node("a", true)),
                        List.of(new PodBuilder(a).editStatus().withPhase("Succeeded").endStatus().build()), false,
                        List.of(), List.of("a-new")),
                new Case("With surge, a node whose only pod is being replaced after failing gets a new one",
                        List.of(node("a", true)), List.of(new PodBuilder(a).editStatus().withPhase("Succeeded").endStatus().build()),
                        true, List.of("a"), List.of("a-new")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void plan(Case c) {
        NodePlan.Result r = NodePlan.plan(DS, c.nodes(), NodePlan.byNode(c.pods()), "new", c.surge(), NOW, new FailedPodBackoff());
        assertThat(r.nodesNeedingPods()).containsExactlyElementsOf(c.create());
        assertThat(r.podsToDelete()).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrderElementsOf(c.delete());
    }

    @Test
    void aFailedPodIsReplacedAtMostOncePerBackOffWhichDoubles() {
        FakeClock clock = new FakeClock(NOW);
        FailedPodBackoff backoff = new FailedPodBackoff();
        List<Node> nodes = List.of(node("a", true));
        var pods = NodePlan.byNode(List.of(failed(pod("a", "new", false))));

        NodePlan.Result first = NodePlan.plan(DS, nodes, pods, "new", false, clock.instant(), backoff);
        assertThat(first.podsToDelete()).hasSize(1);
        assertThat(first.failedPods()).hasSize(1);

        clock.advance(Duration.ofMillis(500));
        NodePlan.Result again = NodePlan.plan(DS, nodes, pods, "new", false, clock.instant(), backoff);
        assertThat(again.podsToDelete()).as("within 1 s of the last").isEmpty();
        assertThat(again.retryAfter()).isEqualTo(Duration.ofMillis(500));

        clock.advance(Duration.ofMillis(500));
        assertThat(NodePlan.plan(DS, nodes, pods, "new", false, clock.instant(), backoff).podsToDelete()).hasSize(1);
        clock.advance(Duration.ofMillis(1500));
        assertThat(NodePlan.plan(DS, nodes, pods, "new", false, clock.instant(), backoff).retryAfter())
                .as("the back-off doubled to 2 s").isEqualTo(Duration.ofMillis(500));
        clock.advance(Duration.ofMinutes(31));
        assertThat(backoff.remaining("u/0/a", clock.instant())).as("forgotten after twice the maximum").isNull();
    }
}
