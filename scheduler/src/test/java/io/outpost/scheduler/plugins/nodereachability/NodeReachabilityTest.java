package io.outpost.scheduler.plugins.nodereachability;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.outpost.scheduler.framework.Status;

class NodeReachabilityTest {

    static final Status UNREACHABLE = Status.unresolvable("node(s) were unreachable");
    static final Status NOT_READY = Status.unresolvable("node(s) were not ready");

    record Case(String name, String ready, List<Taint> taints, List<Toleration> tolerations, Status want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Toleration tolerate(String key) {
        return new Toleration(null, key, "Exists", null, null);
    }

    static Stream<Case> cases() {
        Taint unreachable = new Taint("NoExecute", "node.kubernetes.io/unreachable", null, null);
        return Stream.of(new Case("A ready node with its link up takes pods", "True", List.of(), List.of(), Status.SUCCESS),
                new Case("A node whose agent stopped reporting (Ready Unknown) takes no new pods", "Unknown", List.of(),
                        List.of(), UNREACHABLE),
                new Case("A node tainted unreachable takes no new pods even before its condition changes", "True",
                        List.of(unreachable), List.of(), UNREACHABLE),
                new Case("A pod tolerating unreachable may wait on a node whose link is down", "Unknown",
                        List.of(unreachable), List.of(tolerate("node.kubernetes.io/unreachable")), Status.SUCCESS),
                new Case("A toleration of NoExecute only does not tolerate scheduling onto it", "Unknown", List.of(),
                        List.of(new Toleration("NoExecute", "node.kubernetes.io/unreachable", "Exists", 300L, null)),
                        UNREACHABLE),
                new Case("A node reporting Ready False is not ready", "False", List.of(), List.of(), NOT_READY),
                new Case("A pod tolerating not-ready may go to a node that is not ready", "False", List.of(),
                        List.of(tolerate("node.kubernetes.io/not-ready")), Status.SUCCESS),
                new Case("A node that never reported Ready is not judged by it", null, List.of(), List.of(),
                        Status.SUCCESS));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void filter(Case c) {
        List<NodeCondition> conditions = c.ready() == null ? List.of()
                : List.of(new NodeConditionBuilder().withType("Ready").withStatus(c.ready()).build());
        var node = node("n1").editSpec().withTaints(c.taints()).endSpec().editStatus().withConditions(conditions)
                .endStatus().build();
        var pod = pod("p").editSpec().withTolerations(c.tolerations()).endSpec().build();
        assertThat(cluster(List.of(node), List.of()).filter(new NodeReachability(), pod, "n1")).isEqualTo(c.want());
    }
}
