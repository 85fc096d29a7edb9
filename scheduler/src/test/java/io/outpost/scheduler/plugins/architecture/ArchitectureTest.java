package io.outpost.scheduler.plugins.architecture;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.scheduler.framework.Status;

class ArchitectureTest {

    static final Status ARCH = Status.unresolvable("node(s) didn't match Pod's architecture");
    static final Status OS = Status.unresolvable("node(s) didn't match Pod's operating system");

    /** arm64 by label; "unlabelled" reports arm in status.nodeInfo only. */
    static List<Node> nodes() {
        return List.of(node("arm64").editMetadata().addToLabels(Map.of("kubernetes.io/arch", "arm64",
                "kubernetes.io/os", "linux")).endMetadata().build(),
                node("unlabelled").editStatus().withNodeInfo(new NodeSystemInfoBuilder().withArchitecture("arm")
                        .withOperatingSystem("linux").build()).endStatus().build());
    }

    static Pod selecting(Map<String, String> selector) {
        return pod("p").editSpec().withNodeSelector(selector).endSpec().build();
    }

    static Pod affinity(NodeSelectorTerm... terms) {
        return pod("p").editSpec().withAffinity(new AffinityBuilder().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().withNodeSelectorTerms(terms)
                .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build()).endSpec().build();
    }

    static NodeSelectorTerm archIn(String... values) {
        return new NodeSelectorTerm(List.of(new NodeSelectorRequirement("kubernetes.io/arch", "In", List.of(values))),
                List.of());
    }

    record Case(String name, Pod pod, String node, Status want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A pod that says nothing about its platform is not filtered", pod("p").build(), "arm64",
                        Status.SUCCESS),
                new Case("An amd64 pod does not go to an arm64 node",
                        selecting(Map.of("kubernetes.io/arch", "amd64")), "arm64", ARCH),
                new Case("An arm64 pod goes to an arm64 node", selecting(Map.of("kubernetes.io/arch", "arm64")), "arm64",
                        Status.SUCCESS),
                new Case("The beta label key means the same", selecting(Map.of("beta.kubernetes.io/arch", "arm64")),
                        "arm64", Status.SUCCESS),
                new Case("A node without labels is judged by the architecture its agent reported",
                        selecting(Map.of("kubernetes.io/arch", "arm")), "unlabelled", Status.SUCCESS),
                new Case("A windows pod does not go to a linux node", selecting(Map.of("kubernetes.io/os", "windows")),
                        "arm64", OS),
                new Case("An affinity term listing several architectures accepts any of them",
                        affinity(archIn("amd64", "arm64")), "arm64", Status.SUCCESS),
                new Case("Affinity terms are ORed", affinity(archIn("amd64"), archIn("arm")), "unlabelled",
                        Status.SUCCESS),
                new Case("No term accepting the node's architecture filters it", affinity(archIn("amd64")), "unlabelled",
                        ARCH));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void filter(Case c) {
        assertThat(cluster(nodes(), List.of()).filter(new Architecture(), c.pod(), c.node())).isEqualTo(c.want());
    }
}
