package io.outpost.controllers.daemonset;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;

class RollingUpdateTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final String NEW = "new";
    static final String OLD = "old";

    static DaemonSet ds(Object surge, Object unavailable) {
        return new DaemonSetBuilder().withNewMetadata().withName("d").withNamespace("ns").withUid("u").endMetadata()
                .withNewSpec().withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(surge == null ? null : new IntOrString(surge))
                .withMaxUnavailable(unavailable == null ? null : new IntOrString(unavailable))
                .endRollingUpdate().endUpdateStrategy()
                .withNewTemplate().withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    /** A pod on {@code node} of revision {@code hash}, ready (and so available) or not. */
    static Pod pod(String node, String hash, boolean ready) {
        return new PodBuilder().withNewMetadata().withName(node + "-" + hash).withNamespace("ns")
                .addToLabels("controller-revision-hash", hash).withCreationTimestamp("2026-11-25T11:00:00Z").endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withNewStatus().withPhase(ready ? "Running" : "Pending").addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").withLastTransitionTime("2026-11-25T11:00:00Z").endCondition().endStatus()
                .build();
    }

    static List<Node> nodes(int n) {
        List<Node> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(new NodeBuilder().withNewMetadata().withName("n" + i).endMetadata().build());
        }
        return out;
    }

    /** Pods by node from a compact spec: "old", "old!" (old, not ready), "new", "new!", "old+new", "" (none). */
    static Map<String, List<Pod>> pods(String... perNode) {
        Map<String, List<Pod>> out = new LinkedHashMap<>();
        for (int i = 0; i < perNode.length; i++) {
            String node = "n" + (i + 1);
            List<Pod> pods = new ArrayList<>();
            for (String p : perNode[i].split("\\+")) {
                if (!p.isEmpty()) {
                    pods.add(pod(node, p.replace("!", ""), !p.endsWith("!")));
                }
            }
            if (!pods.isEmpty()) {
                out.put(node, pods);
            }
        }
        return out;
    }

    record Case(String name, DaemonSet ds, Map<String, List<Pod>> pods, List<String> deleted, List<String> created) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("With maxUnavailable 1 one old pod goes at a time", ds(0, 1), pods(OLD, OLD, OLD),
                        List.of("n1-old"), List.of()),
                new Case("An updated pod not yet available uses up the budget", ds(0, 1), pods("new!", OLD, OLD),
                        List.of(), List.of()),
                new Case("Once it is available the next old pod goes", ds(0, 1), pods(NEW, OLD, OLD),
                        List.of("n2-old"), List.of()),
                new Case("An empty node counts as unavailable", ds(0, 1), pods("", OLD, OLD), List.of(), List.of()),
                new Case("An old pod that is not available is replaced at once, beyond the budget", ds(0, 1),
                        pods("old!", "old!", OLD), List.of("n1-old", "n2-old"), List.of()),
                new Case("maxUnavailable 2 takes two old pods at once", ds(0, 2), pods(OLD, OLD, OLD),
                        List.of("n1-old", "n2-old"), List.of()),
                new Case("A percentage rounds up: 50% of 3 nodes is 2", ds(0, "50%"), pods(OLD, OLD, OLD),
                        List.of("n1-old", "n2-old"), List.of()),
                new Case("With maxSurge 1 a new pod starts beside one old pod", ds(1, 0), pods(OLD, OLD, OLD),
                        List.of(), List.of("n1")),
                new Case("A surge pod not yet available holds the others back", ds(1, 0), pods("old+new!", OLD, OLD),
                        List.of(), List.of()),
                new Case("An available surge pod lets its old pod go, and the next node surges", ds(1, 0),
                        pods("old+new", OLD, OLD), List.of("n1-old"), List.of("n2")),
                new Case("An old pod that is not available gets its surge pod regardless", ds(1, 0), pods("old+new!", "old!", OLD),
                        List.of(), List.of("n2")),
                new Case("An updated set does nothing", ds(1, 0), pods(NEW, NEW, NEW), List.of(), List.of()),
                new Case("A node already surging counts against maxSurge wherever it comes in the walk", ds(1, 0),
                        pods(OLD, OLD, "old+new!"), List.of(), List.of()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void step(Case c) {
        RollingUpdate.Step step = RollingUpdate.step(c.ds(), nodes(3), c.pods(), NEW, NOW);
        assertThat(step.delete()).extracting(p -> p.getMetadata().getName()).containsExactlyElementsOf(c.deleted());
        assertThat(step.create()).containsExactlyElementsOf(c.created());
    }

    record Limits(String name, DaemonSet ds, int desired, int surge, int unavailable) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Limits> limits() {
        return Stream.of(
                new Limits("kube's defaults: one unavailable, no surge", ds(null, null), 10, 0, 1),
                new Limits("Percentages round up", ds("10%", "25%"), 10, 1, 3),
                new Limits("Both zero would never progress, so one may be unavailable", ds(0, 0), 5, 0, 1),
                new Limits("A percentage of no node is none", ds("50%", 0), 0, 0, 0));
    }

    @ParameterizedTest
    @MethodSource("limits")
    void limits(Limits c) {
        assertThat(RollingUpdate.limits(c.ds(), c.desired())).isEqualTo(new RollingUpdate.Limits(c.surge(), c.unavailable()));
    }

    @Test
    void withSurgeAPodOnANodeNoLongerWantedGoesOnlyOnceEnoughAreAvailableElsewhere() {
        DaemonSet ds = new DaemonSetBuilder(ds(1, 0)).editSpec().editTemplate().editSpec()
                .withNodeSelector(Map.of("role", "edge")).endSpec().endTemplate().endSpec().build();
        List<Node> nodes = List.of(labelled("n1"), labelled("n2"), new NodeBuilder().withNewMetadata().withName("n3").endMetadata().build());
        assertThat(RollingUpdate.step(ds, nodes, pods(NEW, NEW, OLD), NEW, NOW).delete())
                .extracting(p -> p.getMetadata().getName()).containsExactly("n3-old");
        assertThat(RollingUpdate.step(ds, nodes, pods("new!", NEW, OLD), NEW, NOW).delete())
                .as("n1 is not available yet: n3 keeps serving").isEmpty();
    }

    static Node labelled(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).addToLabels("role", "edge").endMetadata().build();
    }
}
