package io.outpost.controllers.daemonset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.outpost.controllers.daemonset.Eligibility.Placement;

class EligibilityTest {

    static final Placement RUN = new Placement(true, true);
    static final Placement KEEP_ONLY = new Placement(false, true);
    static final Placement NONE = Placement.NONE;

    static Node node(Map<String, String> labels, Taint... taints) {
        return new NodeBuilder().withNewMetadata().withName("n1").withLabels(labels).endMetadata()
                .withNewSpec().withTaints(taints).endSpec().build();
    }

    static DaemonSetBuilder ds() {
        return new DaemonSetBuilder().withNewMetadata().withName("d").withNamespace("ns").withUid("u").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("c").withImage("i").endContainer()
                .endSpec().endTemplate().endSpec();
    }

    static DaemonSet withSelector(Map<String, String> selector) {
        return ds().editSpec().editTemplate().editSpec().withNodeSelector(selector).endSpec().endTemplate().endSpec().build();
    }

    static DaemonSet withAffinity(Affinity affinity) {
        return ds().editSpec().editTemplate().editSpec().withAffinity(affinity).endSpec().endTemplate().endSpec().build();
    }

    static DaemonSet withTolerations(Toleration... tolerations) {
        return ds().editSpec().editTemplate().editSpec().withTolerations(tolerations).endSpec().endTemplate().endSpec().build();
    }

    static Affinity required(String key, String operator, String... values) {
        return new AffinityBuilder().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm().withMatchExpressions(new NodeSelectorRequirementBuilder().withKey(key)
                        .withOperator(operator).withValues(values).build()).endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
    }

    static Taint taint(String key, String effect) {
        return new Taint(effect, key, null, null);
    }

    record Case(String name, DaemonSet ds, Node node, Placement want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A daemon without selector runs on every node", ds().build(), node(Map.of()), RUN),
                new Case("A node with the selected labels runs the daemon", withSelector(Map.of("logs", "ship")),
                        node(Map.of("logs", "ship", "zone", "a")), RUN),
                new Case("A node without them neither runs nor keeps it", withSelector(Map.of("logs", "ship")),
                        node(Map.of("logs", "no")), NONE),
                new Case("A required node affinity In the node's value fits", withAffinity(required("zone", "In", "a", "b")),
                        node(Map.of("zone", "b")), RUN),
                new Case("A required node affinity NotIn the node's value does not", withAffinity(required("zone", "NotIn", "b")),
                        node(Map.of("zone", "b")), NONE),
                new Case("Gt compares numbers", withAffinity(required("cores", "Gt", "2")), node(Map.of("cores", "4")), RUN),
                new Case("A template nodeName of another node keeps the daemon off",
                        ds().editSpec().editTemplate().editSpec().withNodeName("n2").endSpec().endTemplate().endSpec().build(),
                        node(Map.of()), NONE),
                new Case("An untolerated NoSchedule taint keeps a new pod off but lets a running one stay", ds().build(),
                        node(Map.of(), taint("dedicated", "NoSchedule")), KEEP_ONLY),
                new Case("An untolerated NoExecute taint removes the daemon", ds().build(),
                        node(Map.of(), taint("dedicated", "NoExecute")), NONE),
                new Case("A tolerated taint is no obstacle", withTolerations(new TolerationBuilder().withKey("dedicated")
                        .withOperator("Exists").build()), node(Map.of(), taint("dedicated", "NoExecute")), RUN),
                new Case("A PreferNoSchedule taint is no obstacle", ds().build(), node(Map.of(), taint("dedicated", "PreferNoSchedule")), RUN),
                new Case("An unreachable node keeps its daemon: kube's default toleration", ds().build(),
                        node(Map.of(), taint("node.kubernetes.io/unreachable", "NoExecute")), RUN),
                new Case("A cordoned node still runs daemons", ds().build(),
                        node(Map.of(), taint("node.kubernetes.io/unschedulable", "NoSchedule")), RUN),
                new Case("A node without pod network runs no daemon on the pod network", ds().build(),
                        node(Map.of(), taint("node.kubernetes.io/network-unavailable", "NoSchedule")), KEEP_ONLY),
                new Case("A node without pod network runs a host-network daemon",
                        ds().editSpec().editTemplate().editSpec().withHostNetwork(true).endSpec().endTemplate().endSpec().build(),
                        node(Map.of(), taint("node.kubernetes.io/network-unavailable", "NoSchedule")), RUN));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void placement(Case c) {
        assertThat(Eligibility.of(c.node(), c.ds())).isEqualTo(c.want());
    }

    @Test
    void aPinnedPodNamesItsNodeByMatchFieldsAndReplacesOtherRequiredTerms() {
        Affinity pinned = Eligibility.pinnedTo(required("zone", "In", "a"), "n7");
        var terms = pinned.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        assertThat(terms).singleElement().satisfies(t -> {
            assertThat(t.getMatchExpressions()).isEmpty();
            assertThat(t.getMatchFields()).singleElement().satisfies(r -> {
                assertThat(r.getKey()).isEqualTo("metadata.name");
                assertThat(r.getOperator()).isEqualTo("In");
                assertThat(r.getValues()).containsExactly("n7");
            });
        });
        Pod pod = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec().withAffinity(pinned).endSpec().build();
        assertThat(Eligibility.targetNode(pod)).isEqualTo("n7");
        assertThat(Eligibility.affinityFits(pinned, "n7", Map.of())).isTrue();
        assertThat(Eligibility.affinityFits(pinned, "n8", Map.of())).isFalse();
        pod.getSpec().setNodeName("n9");
        assertThat(Eligibility.targetNode(pod)).as("a bound pod is where it is bound").isEqualTo("n9");
    }

    @Test
    void defaultTolerationsAreAddedOnceAndReplaceTheTemplatesOfTheSameKind() {
        Toleration own = new TolerationBuilder().withKey("node.kubernetes.io/not-ready").withOperator("Exists")
                .withEffect("NoExecute").withTolerationSeconds(30L).build();
        List<Toleration> all = Eligibility.withDefaultTolerations(List.of(own), false);
        assertThat(all).extracting(Toleration::getKey).containsExactly("node.kubernetes.io/not-ready",
                "node.kubernetes.io/unreachable", "node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure",
                "node.kubernetes.io/pid-pressure", "node.kubernetes.io/unschedulable");
        assertThat(all.get(0).getTolerationSeconds()).as("kube's infinite toleration replaces the template's").isNull();
        assertThat(Eligibility.withDefaultTolerations(List.of(), true)).extracting(Toleration::getKey)
                .contains("node.kubernetes.io/network-unavailable");
    }
}
