package io.outpost.scheduler.plugins.nodeaffinity;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.scheduler.framework.Status;

class NodeAffinityTest {

    static final Status NO = Status.unresolvable("node(s) didn't match Pod's node affinity/selector");

    record Case(String name, Pod pod, Status want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static NodeSelectorTerm term(NodeSelectorRequirement... expressions) {
        return new NodeSelectorTerm(List.of(expressions), List.of());
    }

    static NodeSelectorRequirement req(String key, String op, String... values) {
        return new NodeSelectorRequirement(key, op, List.of(values));
    }

    static Pod required(NodeSelectorTerm... terms) {
        Affinity a = new AffinityBuilder().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNodeSelectorTerms(terms).endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity()
                .build();
        return pod("p").editSpec().withAffinity(a).endSpec().build();
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A pod with no selector fits", pod("p").build(), Status.SUCCESS),
                new Case("A pod whose nodeSelector matches the node's labels fits",
                        pod("p").editSpec().withNodeSelector(Map.of("zone", "a")).endSpec().build(), Status.SUCCESS),
                new Case("A pod whose nodeSelector names a missing label does not fit",
                        pod("p").editSpec().withNodeSelector(Map.of("gpu", "yes")).endSpec().build(), NO),
                new Case("An In requirement on the node's value fits", required(term(req("zone", "In", "a", "b"))),
                        Status.SUCCESS),
                new Case("A NotIn requirement on the node's value does not fit", required(term(req("zone", "NotIn", "a"))),
                        NO),
                new Case("Gt compares numbers", required(term(req("cores", "Gt", "2"))), Status.SUCCESS),
                new Case("Lt compares numbers", required(term(req("cores", "Lt", "2"))), NO),
                new Case("DoesNotExist on a present label does not fit", required(term(req("zone", "DoesNotExist"))),
                        NO),
                new Case("Terms are ORed: one matching term is enough",
                        required(term(req("zone", "In", "z")), term(req("zone", "Exists"))), Status.SUCCESS),
                new Case("Requirements of one term are ANDed",
                        required(term(req("zone", "Exists"), req("gpu", "Exists"))), NO),
                new Case("An empty term matches nothing", required(new NodeSelectorTerm()), NO),
                new Case("matchFields on metadata.name selects the node by name",
                        required(new NodeSelectorTerm(List.of(), List.of(req("metadata.name", "In", "n1")))),
                        Status.SUCCESS));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void filter(Case c) {
        var cluster = cluster(List.of(node("n1").editMetadata().addToLabels(Map.of("zone", "a", "cores", "4"))
                .endMetadata().build()), List.of());
        assertThat(cluster.filter(new NodeAffinity(), c.pod(), "n1")).isEqualTo(c.want());
    }

    @Test
    void preferredTermsScoreByTheirWeightsScaledToTheBest() {
        var cluster = cluster(List.of(node("a").editMetadata().addToLabels("zone", "a").endMetadata().build(),
                node("b").editMetadata().addToLabels(Map.of("zone", "b", "ssd", "yes")).endMetadata().build(),
                node("c").build()), List.of());
        Affinity a = new AffinityBuilder().withNewNodeAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(20)
                .withPreference(term(req("zone", "In", "a"))).endPreferredDuringSchedulingIgnoredDuringExecution()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(40)
                .withPreference(term(req("ssd", "Exists"))).endPreferredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity().build();
        var pod = pod("p").editSpec().withAffinity(a).endSpec().build();
        assertThat(cluster.score(new NodeAffinity(), pod, "a", "b", "c")).containsExactly(50, 100, 0);
    }
}
