package io.outpost.scheduler.plugins.podtopologyspread;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.on;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.outpost.scheduler.framework.Status;

/** Zone a: nodes a1, a2; zone b: b1; node x has no zone label. */
class PodTopologySpreadTest {

    static final Status SKEW = Status.unschedulable("node(s) didn't match pod topology spread constraints");

    static List<Node> nodes() {
        return List.of(zoned("a1", "a"), zoned("a2", "a"), zoned("b1", "b"), node("x").build());
    }

    static Node zoned(String name, String zone) {
        return node(name).editMetadata().addToLabels("zone", zone).endMetadata().build();
    }

    static TopologySpreadConstraint constraint(int maxSkew, String when, Integer minDomains) {
        return new TopologySpreadConstraintBuilder().withMaxSkew(maxSkew).withTopologyKey("zone")
                .withWhenUnsatisfiable(when).withMinDomains(minDomains)
                .withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build()).build();
    }

    static Pod web(String name, TopologySpreadConstraint... constraints) {
        return pod(name).editMetadata().addToLabels("app", "web").endMetadata().editSpec()
                .withTopologySpreadConstraints(constraints).endSpec().build();
    }

    static Pod placed(String name, String node) {
        return on(node, pod(name).editMetadata().addToLabels("app", "web").endMetadata());
    }

    record Case(String name, List<Pod> existing, TopologySpreadConstraint constraint, String node, Status want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        var hard = constraint(1, "DoNotSchedule", null);
        return Stream.of(
                new Case("With no matching pods anywhere, any zoned node fits", List.of(), hard, "a1", Status.SUCCESS),
                new Case("A zone one pod ahead would be two ahead: filtered", List.of(placed("w1", "a1")), hard, "a2",
                        SKEW),
                new Case("The zone behind fits", List.of(placed("w1", "a1")), hard, "b1", Status.SUCCESS),
                new Case("A node without the topology label is filtered as unresolvable", List.of(), hard, "x",
                        Status.unresolvable(
                                "node(s) didn't match pod topology spread constraints (missing required label)")),
                new Case("Pods of other apps do not count",
                        List.of(on("a1", pod("other").editMetadata().addToLabels("app", "db").endMetadata())), hard,
                        "a1", Status.SUCCESS),
                new Case("maxSkew 2 allows a zone two ahead", List.of(placed("w1", "a1")),
                        constraint(2, "DoNotSchedule", null), "a2", Status.SUCCESS),
                new Case("minDomains above the domains counted makes the minimum 0",
                        List.of(placed("w1", "b1")), constraint(1, "DoNotSchedule", 3), "b1", SKEW),
                new Case("A ScheduleAnyway constraint never filters", List.of(placed("w1", "a1"), placed("w2", "a2")),
                        constraint(1, "ScheduleAnyway", null), "a1", Status.SUCCESS));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void filter(Case c) {
        var cluster = cluster(nodes(), c.existing());
        assertThat(cluster.filter(new PodTopologySpread(), web("new", c.constraint()), c.node())).isEqualTo(c.want());
    }

    @Test
    void nodeAffinityLimitsTheDomainsCountedUnderHonor() {
        // Only zone a is eligible by nodeSelector; zone b's emptiness does not hold zone a back.
        var cluster = cluster(nodes(), List.of(placed("w1", "a1")));
        Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder(web("new", constraint(1, "DoNotSchedule", null)))
                .editSpec().withNodeSelector(Map.of("zone", "a")).endSpec().build();
        assertThat(cluster.filter(new PodTopologySpread(), pod, "a2")).isEqualTo(Status.SUCCESS);
    }

    @Test
    void aNodeThatChangedIsRecountedByTheSamePluginInstance() {
        var plugin = new PodTopologySpread();
        var cluster = cluster(nodes(), List.of());
        var hard = constraint(1, "DoNotSchedule", null);
        assertThat(cluster.filter(plugin, web("new", hard), "a2")).isEqualTo(Status.SUCCESS);
        cluster.cache().addOrUpdatePod(placed("w1", "a1"));
        assertThat(cluster.filter(plugin, web("new", hard), "a2")).isEqualTo(SKEW);
        cluster.cache().deletePod(placed("w1", "a1").getMetadata().getUid());
        assertThat(cluster.filter(plugin, web("new", hard), "a2")).isEqualTo(Status.SUCCESS);
    }

    @Test
    void scheduleAnywayScoresTheLessCrowdedZoneHigher() {
        var cluster = cluster(nodes(), List.of(placed("w1", "a1"), placed("w2", "a2")));
        long[] scores = cluster.score(new PodTopologySpread(), web("new", constraint(1, "ScheduleAnyway", null)), "a1",
                "b1", "x");
        assertThat(scores[1]).isEqualTo(100);
        assertThat(scores[0]).isLessThan(scores[1]);
        assertThat(scores[2]).isZero();
    }
}
