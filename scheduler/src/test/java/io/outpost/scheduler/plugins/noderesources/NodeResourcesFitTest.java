package io.outpost.scheduler.plugins.noderesources;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.on;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.outpost.scheduler.framework.Code;
import io.outpost.scheduler.framework.PluginContext;
import io.outpost.scheduler.testing.FakeClockHolder;
import tools.jackson.databind.json.JsonMapper;

class NodeResourcesFitTest {

    static final NodeResourcesFit LEAST = new NodeResourcesFit(NodeResourcesFit.Strategy.LEAST_ALLOCATED,
            Map.of("cpu", 1, "memory", 1));

    record Case(String name, Pod pod, List<Pod> existing, List<String> reasons) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A pod without requests fits a node with room for pods", pod("p").build(), List.of(), List.of()),
                new Case("A pod that fits in what is left fits", pod("p", "1", "2Gi").build(),
                        List.of(on("n1", pod("a", "2", "4Gi"))), List.of()),
                new Case("A pod asking more cpu than is left is Insufficient cpu", pod("p", "3", "1Gi").build(),
                        List.of(on("n1", pod("a", "2", "1Gi"))), List.of("Insufficient cpu")),
                new Case("Each short resource is its own reason", pod("p", "3", "7Gi").build(),
                        List.of(on("n1", pod("a", "2", "2Gi"))), List.of("Insufficient cpu", "Insufficient memory")),
                new Case("Init containers count at their largest, not summed",
                        pod("p", "1", null).editSpec().addNewInitContainer().withName("init").withImage("i")
                                .withNewResources().withRequests(Map.of("cpu", new Quantity("3500m"))).endResources()
                                .endInitContainer().endSpec().build(),
                        List.of(), List.of()),
                new Case("An init container larger than what is left does not fit",
                        pod("p", "1", null).editSpec().addNewInitContainer().withName("init").withImage("i")
                                .withNewResources().withRequests(Map.of("cpu", new Quantity("4500m"))).endResources()
                                .endInitContainer().endSpec().build(),
                        List.of(), List.of("Insufficient cpu")),
                new Case("An extended resource the node lacks is Insufficient by its name",
                        pod("p").editSpec().editFirstContainer().withNewResources()
                                .withRequests(Map.of("nvidia.com/gpu", new Quantity("1"))).endResources().endContainer()
                                .endSpec().build(),
                        List.of(), List.of("Insufficient nvidia.com/gpu")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void filter(Case c) {
        var cluster = cluster(List.of(node("n1").build()), c.existing());
        var got = cluster.filter(LEAST, c.pod(), "n1");
        assertThat(got.reasons()).isEqualTo(c.reasons());
        assertThat(got.code()).isEqualTo(c.reasons().isEmpty() ? Code.SUCCESS : Code.UNSCHEDULABLE);
    }

    @Test
    void aFullNodeHasTooManyPods() {
        var full = node("n1").editStatus().addToAllocatable("pods", new Quantity("1")).endStatus().build();
        var cluster = cluster(List.of(full), List.of(on("n1", pod("a"))));
        assertThat(cluster.filter(LEAST, pod("p").build(), "n1").reasons()).containsExactly("Too many pods");
    }

    @Test
    void leastAllocatedPrefersTheEmptierNodeAndMostAllocatedTheFuller() {
        var cluster = cluster(List.of(node("empty").build(), node("half").build()),
                List.of(on("half", pod("a", "2", "4Gi"))));
        var pod = pod("p", "1", "2Gi").build();
        // empty: cpu (4-1)/4 = 75, memory (8-2)/8 = 75; half: cpu 25, memory 25
        assertThat(cluster.score(LEAST, pod, "empty", "half")).containsExactly(75, 25);
        var most = new NodeResourcesFit(NodeResourcesFit.Strategy.MOST_ALLOCATED, Map.of("cpu", 1, "memory", 1));
        assertThat(cluster.score(most, pod, "empty", "half")).containsExactly(25, 75);
    }

    @Test
    void podsWithoutRequestsAreScoredWithKubesNonZeroDefaults() {
        var cluster = cluster(List.of(node("n1").build()), List.of());
        // 100m of 4000m leaves 97.5 -> 97; 200Mi of 8Gi leaves 97.56 -> 97
        assertThat(cluster.score(LEAST, pod("p").build(), "n1")).containsExactly(97);
    }

    @Test
    void theStrategyComesFromPluginConfigArgs() {
        var mapper = JsonMapper.builder().build();
        var args = mapper.readTree("{\"scoringStrategy\":{\"type\":\"MostAllocated\",\"resources\":[{\"name\":\"cpu\",\"weight\":1}]}}");
        var plugin = NodeResourcesFit.create(new PluginContext(args, FakeClockHolder.CLOCK, null));
        var cluster = cluster(List.of(node("n1").build()), List.of());
        assertThat(cluster.score(plugin, pod("p", "2", null).build(), "n1")).containsExactly(50);
        var bad = mapper.readTree("{\"scoringStrategy\":{\"type\":\"Random\"}}");
        assertThatThrownBy(() -> NodeResourcesFit.create(new PluginContext(bad, FakeClockHolder.CLOCK, null)))
                .hasMessageContaining("scoringStrategy.type: Unsupported value: \"Random\"");
    }
}
