package io.outpost.scheduler.plugins.defaultpreemption;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.on;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.Framework;
import io.outpost.scheduler.framework.PodEvicter;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PostFilterPlugin;
import io.outpost.scheduler.framework.Status;
import io.outpost.scheduler.plugins.noderesources.NodeResourcesFit;
import io.outpost.scheduler.plugins.tainttoleration.TaintToleration;

class DefaultPreemptionTest {

    /** Records what preemption did instead of calling the API. */
    static final class Recorder implements PodEvicter {
        final List<String> evicted = new ArrayList<>();
        final List<String> nominated = new ArrayList<>();

        @Override
        public void evict(Pod victim, Pod preemptor, String nodeName) {
            evicted.add(victim.getMetadata().getName() + "@" + nodeName);
        }

        @Override
        public void nominate(Pod pod, String nodeName) {
            nominated.add(pod.getMetadata().getName() + "@" + nodeName);
        }
    }

    /** A pod of {@code priority} asking {@code cpu}, started at second {@code started} (for ties). */
    static PodBuilder prio(String name, int priority, String cpu, int started) {
        return pod(name, cpu, null).editSpec().withPriority(priority).endSpec()
                .withNewStatus().withStartTime(String.format("2026-01-01T00:00:%02dZ", started)).endStatus();
    }

    /** Runs a cycle as the scheduler does: PreFilter, Filter on every node, then PostFilter. */
    static PostFilterPlugin.Result preempt(List<Node> nodes, List<Pod> running, Pod preemptor, Recorder recorder) {
        var cluster = cluster(nodes, running);
        var preemption = new DefaultPreemption(recorder);
        var framework = new Framework("default-scheduler", new Framework.Plugins(List.of(),
                List.of(new TaintToleration(), NodeResourcesFit.create(new io.outpost.scheduler.framework.PluginContext(
                        tools.jackson.databind.node.JsonNodeFactory.instance.objectNode(), null, null))),
                List.of(preemption), List.of(), List.of(), List.of(), List.of()), 0);
        var snapshot = cluster.snapshot();
        var pod = PodInfo.of(preemptor);
        var state = new CycleState();
        framework.runPreFilter(state, pod, snapshot);
        Map<String, Status> statuses = new HashMap<>();
        for (var node : snapshot.nodes()) {
            Status s = framework.runFilter(state, pod, node);
            if (!s.isSuccess()) {
                statuses.put(node.name(), s);
            }
        }
        assertThat(statuses).as("the pod fits nowhere before preemption").hasSize(nodes.size());
        return framework.runPostFilter(state, pod, snapshot, statuses);
    }

    record Case(String name, List<Pod> running, Pod preemptor, List<String> evicted, String nominated) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("The node whose most important victim matters least is chosen",
                        List.of(on("n1", prio("batch", 1, "3", 1)), on("n2", prio("web", 5, "3", 1))),
                        prio("urgent", 10, "3", 0).build(), List.of("batch@n1"), "n1"),
                new Case("A lower-priority pod that leaves room is reprieved",
                        List.of(on("n1", prio("big", 1, "2", 1)), on("n1", prio("small", 1, "1", 2)),
                                on("n2", prio("web", 5, "4", 1))),
                        prio("urgent", 10, "3", 0).build(), List.of("big@n1"), "n1"),
                new Case("With equal priorities the node losing fewer pods is chosen",
                        List.of(on("n1", prio("a", 1, "1500m", 1)), on("n1", prio("b", 1, "1500m", 2)),
                                on("n2", prio("c", 1, "3500m", 3))),
                        prio("urgent", 10, "3", 0).build(), List.of("c@n2"), "n2"),
                new Case("Among victims of one priority the one started last goes first",
                        List.of(on("n1", prio("old", 1, "2", 1)), on("n1", prio("young", 1, "2", 9)),
                                on("n2", prio("web", 5, "4", 1))),
                        prio("urgent", 10, "2", 0).build(), List.of("young@n1"), "n1"),
                new Case("Pods of equal or higher priority are never victims",
                        List.of(on("n1", prio("peer", 10, "4", 1)), on("n2", prio("boss", 20, "4", 1))),
                        prio("urgent", 10, "1", 0).build(), List.of(), null),
                new Case("A pod too big for a node even emptied of lower-priority pods finds no victims there",
                        List.of(on("n1", prio("low", 1, "1", 1)), on("n1", prio("peer", 10, "3", 1)),
                                on("n2", prio("boss", 20, "4", 1))),
                        prio("urgent", 10, "2", 0).build(), List.of(), null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void preempts(Case c) {
        var recorder = new Recorder();
        var result = preempt(List.of(node("n1").build(), node("n2").build()), c.running(), c.preemptor(), recorder);
        assertThat(recorder.evicted).isEqualTo(c.evicted());
        assertThat(result.nominatedNode()).isEqualTo(c.nominated());
        if (c.nominated() != null) {
            assertThat(result.status().isSuccess()).isTrue();
            assertThat(recorder.nominated).containsExactly(c.preemptor().getMetadata().getName() + "@" + c.nominated());
        } else {
            assertThat(result.status().message())
                    .isEqualTo("preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.");
            assertThat(recorder.nominated).isEmpty();
        }
    }

    @Test
    void nodesRejectedForUnresolvableReasonsAreNotHelpful() {
        var tainted = node("n1").editSpec().addNewTaint().withKey("dedicated").withEffect("NoSchedule").endTaint().endSpec()
                .build();
        var recorder = new Recorder();
        var result = preempt(List.of(tainted, node("n2").build()),
                List.of(on("n1", prio("low", 1, "4", 1)), on("n2", prio("boss", 20, "4", 1))),
                prio("urgent", 10, "1", 0).build(), recorder);
        assertThat(result.status().message()).isEqualTo("preemption: 0/2 nodes are available: "
                + "1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.");
        assertThat(recorder.evicted).isEmpty();
    }

    @Test
    void aPodThatNeverPreemptsSaysSo() {
        var recorder = new Recorder();
        var result = preempt(List.of(node("n1").build()), List.of(on("n1", prio("low", 1, "4", 1))),
                prio("p", 10, "1", 0).editSpec().withPreemptionPolicy("Never").endSpec().build(), recorder);
        assertThat(result.status().message()).isEqualTo("not eligible due to preemptionPolicy=Never.");
        assertThat(recorder.evicted).isEmpty();
    }

    @Test
    void aPodWhoseNominatedNodeStillHasAVictimTerminatingWaits() {
        var terminating = on("n1", prio("low", 1, "4", 1).editMetadata()
                .withDeletionTimestamp("2026-01-01T00:01:00Z").endMetadata());
        var recorder = new Recorder();
        var result = preempt(List.of(node("n1").build()), List.of(terminating),
                prio("urgent", 10, "1", 0).editStatus().withNominatedNodeName("n1").endStatus().build(), recorder);
        assertThat(result.status().message()).isEqualTo("not eligible due to a terminating pod on the nominated node.");
        assertThat(recorder.evicted).isEmpty();
    }
}
