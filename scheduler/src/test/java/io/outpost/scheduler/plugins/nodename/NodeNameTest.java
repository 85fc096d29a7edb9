package io.outpost.scheduler.plugins.nodename;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.scheduler.framework.Status;

class NodeNameTest {

    record Case(String name, String podNodeName, Status want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(new Case("A pod without a node name fits any node", null, Status.SUCCESS),
                new Case("A pod naming this node fits it", "n1", Status.SUCCESS),
                new Case("A pod naming another node does not fit", "n2",
                        Status.unresolvable("node(s) didn't match the requested node name")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void filter(Case c) {
        var cluster = cluster(List.of(node("n1").build()), List.of());
        var pod = pod("p").editSpec().withNodeName(c.podNodeName()).endSpec().build();
        assertThat(cluster.filter(new NodeName(), pod, "n1")).isEqualTo(c.want());
    }
}
