package io.outpost.scheduler.plugins.nodeunschedulable;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Toleration;
import io.outpost.scheduler.framework.Status;

class NodeUnschedulableTest {

    record Case(String name, Boolean unschedulable, List<Toleration> tolerations, Status want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(new Case("A schedulable node takes the pod", false, List.of(), Status.SUCCESS),
                new Case("A node without the field is schedulable", null, List.of(), Status.SUCCESS),
                new Case("A cordoned node does not take a pod without the toleration", true, List.of(),
                        Status.unresolvable("node(s) were unschedulable")),
                new Case("A cordoned node takes a pod tolerating node.kubernetes.io/unschedulable", true,
                        List.of(new Toleration("NoSchedule", "node.kubernetes.io/unschedulable", "Exists", null, null)),
                        Status.SUCCESS));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void filter(Case c) {
        var cluster = cluster(List.of(node("n1").editSpec().withUnschedulable(c.unschedulable()).endSpec().build()),
                List.of());
        var pod = pod("p").editSpec().withTolerations(c.tolerations()).endSpec().build();
        assertThat(cluster.filter(new NodeUnschedulable(), pod, "n1")).isEqualTo(c.want());
    }
}
