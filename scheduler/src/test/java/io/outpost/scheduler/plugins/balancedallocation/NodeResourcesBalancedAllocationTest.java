package io.outpost.scheduler.plugins.balancedallocation;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.on;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.scheduler.framework.PluginContext;
import io.outpost.scheduler.testing.FakeClockHolder;
import tools.jackson.databind.json.JsonMapper;

class NodeResourcesBalancedAllocationTest {

    static final NodeResourcesBalancedAllocation PLUGIN = NodeResourcesBalancedAllocation.create(
            new PluginContext(JsonMapper.builder().build().readTree("{}"), FakeClockHolder.CLOCK, null));

    /** Nodes of 4 CPUs and 8 GiB: "cpu-heavy" already runs 3 CPUs and 1 GiB, "even" 1 CPU and 2 GiB. */
    record Case(String name, Pod pod, long cpuHeavy, long even) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // cpu-heavy: cpu 4/4=1, mem 3/8 -> std .3125 -> 68; even: cpu 2/4=.5, mem 4/8=.5 -> 100
                new Case("A pod asking cpu and memory in the node's proportion goes where usage stays even",
                        pod("p", "1", "2Gi").build(), 68, 100),
                // cpu-heavy: cpu 3/4=.75, mem 7/8=.875 -> std .0625 -> 93; even: cpu .25, mem 8/8=1 -> .375 -> 62
                new Case("A memory-hungry pod is balanced by the node short of memory use",
                        pod("p", null, "6Gi").build(), 93, 62),
                new Case("A pod requesting nothing is skipped, as kube does for best-effort pods", pod("p").build(), 0, 0));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void scores(Case c) {
        var cluster = cluster(List.of(node("cpu-heavy").build(), node("even").build()),
                List.of(on("cpu-heavy", pod("a", "3", "1Gi")), on("even", pod("b", "1", "2Gi"))));
        assertThat(cluster.score(PLUGIN, c.pod(), "cpu-heavy", "even")).containsExactly(c.cpuHeavy(), c.even());
    }

    @Test
    void fractionsAboveOneAreCappedAndThreeResourcesUseTheStandardDeviation() {
        var mapper = JsonMapper.builder().build();
        var plugin = NodeResourcesBalancedAllocation.create(new PluginContext(mapper.readTree(
                "{\"resources\":[{\"name\":\"cpu\"},{\"name\":\"memory\"},{\"name\":\"pods\"}]}"), FakeClockHolder.CLOCK, null));
        var cluster = cluster(List.of(node("n1").build()), List.of());
        // cpu 8/4 -> 1, memory 0, pods 1/110: mean .336, std .469 -> 53
        assertThat(cluster.score(plugin, pod("p", "8", null).build(), "n1")).containsExactly(53);
        assertThatThrownBy(() -> NodeResourcesBalancedAllocation.create(new PluginContext(
                mapper.readTree("{\"resources\":[{\"weight\":1}]}"), FakeClockHolder.CLOCK, null)))
                .hasMessage("resources[0].name: Required value");
    }
}
