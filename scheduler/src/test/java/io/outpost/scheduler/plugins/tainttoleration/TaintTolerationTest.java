package io.outpost.scheduler.plugins.tainttoleration;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.outpost.scheduler.framework.Code;
import io.outpost.scheduler.framework.Status;

class TaintTolerationTest {

    record Case(String name, List<Taint> taints, List<Toleration> tolerations, Status want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Taint taint(String key, String value, String effect) {
        return new Taint(effect, key, null, value);
    }

    static Toleration toleration(String key, String op, String value, String effect) {
        return new Toleration(effect, key, op, null, value);
    }

    static Stream<Case> filterCases() {
        return Stream.of(
                new Case("A pod having no tolerations can't be scheduled onto a node with nonempty taints",
                        List.of(taint("dedicated", "user1", "NoSchedule")), List.of(),
                        Status.unresolvable("node(s) had untolerated taint {dedicated: user1}")),
                new Case("A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
                        List.of(taint("dedicated", "user1", "NoSchedule")),
                        List.of(toleration("dedicated", "Equal", "user1", "NoSchedule")), Status.SUCCESS),
                new Case("A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
                        List.of(taint("dedicated", "user1", "NoSchedule")),
                        List.of(toleration("dedicated", "Equal", "user2", "NoSchedule")),
                        Status.unresolvable("node(s) had untolerated taint {dedicated: user1}")),
                new Case("A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node",
                        List.of(taint("foo", "bar", "NoSchedule")), List.of(toleration("foo", "Exists", null, "NoSchedule")),
                        Status.SUCCESS),
                new Case("A pod has multiple tolerations, node has multiple taints, all the taints are tolerated",
                        List.of(taint("dedicated", "user2", "NoSchedule"), taint("foo", "bar", "NoSchedule")),
                        List.of(toleration("dedicated", "Equal", "user2", "NoSchedule"),
                                toleration("foo", "Exists", null, "NoSchedule")),
                        Status.SUCCESS),
                new Case("A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node",
                        List.of(taint("foo", "bar", "NoSchedule")),
                        List.of(toleration("foo", "Equal", "bar", "PreferNoSchedule")),
                        Status.unresolvable("node(s) had untolerated taint {foo: bar}")),
                new Case("The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
                        List.of(taint("foo", "bar", "NoSchedule")), List.of(toleration("foo", "Equal", "bar", null)),
                        Status.SUCCESS),
                new Case("The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
                        List.of(taint("dedicated", "user1", "PreferNoSchedule")),
                        List.of(toleration("dedicated", "Equal", "user2", "NoSchedule")), Status.SUCCESS),
                new Case("An empty key with operator Exists tolerates every taint",
                        List.of(taint("node-role.kubernetes.io/control-plane", null, "NoSchedule")),
                        List.of(toleration(null, "Exists", null, null)), Status.SUCCESS),
                new Case("A control-plane taint without value is worded with an empty value",
                        List.of(taint("node-role.kubernetes.io/control-plane", null, "NoSchedule")), List.of(),
                        Status.unresolvable("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }")),
                new Case("A NoExecute taint filters too",
                        List.of(taint("node.kubernetes.io/unreachable", null, "NoExecute")), List.of(),
                        Status.unresolvable("node(s) had untolerated taint {node.kubernetes.io/unreachable: }")));
    }

    @ParameterizedTest
    @MethodSource("filterCases")
    void filter(Case c) {
        var cluster = cluster(List.of(node("n1").editSpec().withTaints(c.taints()).endSpec().build()), List.of());
        var pod = pod("p").editSpec().withTolerations(c.tolerations()).endSpec().build();
        Status got = cluster.filter(new TaintToleration(), pod, "n1");
        assertThat(got.code()).isEqualTo(c.want().code());
        assertThat(got.reasons()).isEqualTo(c.want().reasons());
        if (!c.want().isSuccess()) {
            assertThat(got.code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        }
    }

    @Test
    void nodesWithFewerIntolerablePreferNoScheduleTaintsScoreHigher() {
        var cluster = cluster(List.of(
                node("clean").build(),
                node("one").editSpec().withTaints(taint("a", "1", "PreferNoSchedule")).endSpec().build(),
                node("two").editSpec().withTaints(taint("a", "1", "PreferNoSchedule"), taint("b", "2", "PreferNoSchedule"),
                        taint("c", "3", "PreferNoSchedule")).endSpec().build()), List.of());
        var pod = pod("p").editSpec().withTolerations(toleration("c", "Exists", null, "PreferNoSchedule")).endSpec()
                .build();
        assertThat(cluster.score(new TaintToleration(), pod, "clean", "one", "two")).containsExactly(100, 50, 0);
    }
}
