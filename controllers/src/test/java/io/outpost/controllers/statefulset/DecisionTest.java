package io.outpost.controllers.statefulset;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;

class DecisionTest {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final PodTemplateSpec V1 = template("app:1");
    static final PodTemplateSpec V2 = template("app:2");
    /** Current revision r1, update revision r2 (a template change not yet rolled out). */
    static final Decision.Revisions ROLLING = new Decision.Revisions("r1", V1, "r2", V2);
    static final Decision.Revisions SETTLED = new Decision.Revisions("r1", V1, "r1", V1);

    static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "s").endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage(image).endContainer().endSpec().build();
    }

    static StatefulSetBuilder set(int replicas, String policy) {
        return new StatefulSetBuilder().withNewMetadata().withName("s").withNamespace("ns").withUid("u").withGeneration(2L)
                .endMetadata().withNewSpec().withReplicas(replicas).withPodManagementPolicy(policy).withServiceName("svc")
                .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate().withPartition(0).endRollingUpdate()
                .endUpdateStrategy().withTemplate(V2).endSpec();
    }

    static StatefulSet ordered(int replicas) {
        return set(replicas, "OrderedReady").build();
    }

    static StatefulSet parallel(int replicas) {
        return set(replicas, "Parallel").build();
    }

    static StatefulSet partitioned(int replicas, int partition) {
        return set(replicas, "OrderedReady").editSpec().editUpdateStrategy().editRollingUpdate().withPartition(partition)
                .endRollingUpdate().endUpdateStrategy().endSpec().build();
    }

    /**
     * Pods from a compact spec, one per ordinal: "ready" (Running and Ready), "pending", "failed",
     * "gone" (being deleted), "-" (none), each optionally "@r2" for its revision (r1 by default).
     */
    static List<Pod> pods(StatefulSet set, String... spec) {
        List<Pod> out = new ArrayList<>();
        for (int i = 0; i < spec.length; i++) {
            String[] parts = spec[i].split("@");
            String state = parts[0];
            if (state.equals("-")) {
                continue;
            }
            String revision = parts.length > 1 ? parts[1] : "r1";
            Pod pod = Identity.newPod(set, V1, revision, i);
            boolean ready = state.equals("ready") || state.equals("gone");
            pod = new PodBuilder(pod).withNewStatus().withPhase(switch (state) {
                case "failed" -> "Failed";
                case "pending" -> "Pending";
                default -> "Running";
            }).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                    .withLastTransitionTime("2026-11-25T11:00:00Z").endCondition().endStatus().build();
            if (state.equals("gone")) {
                pod.getMetadata().setDeletionTimestamp("2026-11-25T11:59:00Z");
            }
            out.add(pod);
        }
        return out;
    }

    record Case(String name, StatefulSet set, Decision.Revisions revisions, String[] pods, List<String> create,
                List<String> delete) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, StatefulSet set, Decision.Revisions revisions, List<String> create, List<String> delete,
                  String... pods) {
        return new Case(name, set, revisions, pods, create, delete);
    }

    static Stream<Case> cases() {
        return Stream.of(
                c("An ordered set makes its first pod first", ordered(3), SETTLED, List.of("s-0"), List.of()),
                c("The next pod waits for the last to be Running and Ready", ordered(3), SETTLED, List.of(), List.of(), "pending"),
                c("Once it is ready the next ordinal is made", ordered(3), SETTLED, List.of("s-1"), List.of(), "ready"),
                c("A missing middle ordinal is made again first", ordered(3), SETTLED, List.of("s-1"), List.of(), "ready", "-", "ready"),
                c("A parallel set makes every missing pod at once", parallel(3), SETTLED, List.of("s-1", "s-2"), List.of(), "pending"),
                c("An ordered set removes the highest ordinal first", ordered(1), SETTLED, List.of(), List.of("s-2"),
                        "ready", "ready", "ready"),
                c("and waits for it to be gone before the next", ordered(1), SETTLED, List.of(), List.of(),
                        "ready", "ready", "gone"),
                c("A scale-down waits while a remaining pod is not ready", ordered(1), SETTLED, List.of(), List.of(),
                        "pending", "ready"),
                c("A condemned pod that is itself the first unhealthy one may go", ordered(1), SETTLED, List.of(),
                        List.of("s-2"), "ready", "ready", "pending"),
                c("but not while a lower condemned pod is unhealthy", ordered(1), SETTLED, List.of(), List.of(),
                        "ready", "pending", "pending"),
                c("A parallel set removes every condemned pod at once", parallel(1), SETTLED, List.of(), List.of("s-2", "s-1"),
                        "ready", "ready", "ready"),
                c("A failed pod is deleted, to be made again once gone", ordered(2), SETTLED, List.of(), List.of("s-0"),
                        "failed", "ready"),
                c("A rolling update deletes the highest ordinal not updated", ordered(3), ROLLING, List.of(), List.of("s-2"),
                        "ready", "ready", "ready"),
                c("The recreated pod is made from the update revision", ordered(3), ROLLING, List.of("s-2"), List.of(),
                        "ready", "ready", "-"),
                c("The next one waits for the updated pod to be healthy", ordered(3), ROLLING, List.of(), List.of(),
                        "ready", "ready", "pending@r2"),
                c("then goes on down", ordered(3), ROLLING, List.of(), List.of("s-1"), "ready", "ready", "ready@r2"),
                c("A partition keeps the ordinals below it at the current revision", partitioned(3, 2), ROLLING, List.of(),
                        List.of(), "ready", "ready", "ready@r2"),
                c("A pod below the partition is made again from the current revision", partitioned(3, 2), ROLLING,
                        List.of("s-1"), List.of(), "ready", "-", "ready@r2"),
                c("OnDelete never deletes for an update", set(2, "OrderedReady").editSpec().withNewUpdateStrategy()
                        .withType("OnDelete").endUpdateStrategy().endSpec().build(), ROLLING, List.of(), List.of(), "ready", "ready"),
                c("A parallel set still updates one pod at a time", parallel(3), ROLLING, List.of(), List.of("s-2"),
                        "ready", "ready", "ready"),
                c("With minReadySeconds the next pod waits for the last to be available, not only ready",
                        set(3, "OrderedReady").editSpec().withMinReadySeconds(3600 * 2).endSpec().build(), SETTLED,
                        List.of(), List.of(), "ready"),
                c("and is made once it has been ready that long",
                        set(3, "OrderedReady").editSpec().withMinReadySeconds(30 * 60).endSpec().build(), SETTLED,
                        List.of("s-1"), List.of(), "ready"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decide(Case c) {
        Decision.Actions a = Decision.decide(c.set(), pods(c.set(), c.pods()), c.revisions(), NOW);
        assertThat(a.create()).extracting(p -> p.getMetadata().getName()).containsExactlyElementsOf(c.create());
        assertThat(a.delete()).extracting(p -> p.getMetadata().getName()).containsExactlyElementsOf(c.delete());
    }

    @Test
    void aNewPodCarriesItsIdentityAndRevision() {
        StatefulSet set = partitioned(3, 2);
        Pod below = Decision.decide(set, pods(set, "ready", "-", "ready@r2"), ROLLING, NOW).create().get(0);
        assertThat(below.getMetadata().getLabels()).containsEntry("controller-revision-hash", "r1")
                .containsEntry("statefulset.kubernetes.io/pod-name", "s-1").containsEntry("apps.kubernetes.io/pod-index", "1")
                .containsEntry("app", "s");
        assertThat(below.getSpec().getContainers().get(0).getImage()).isEqualTo("app:1");
        assertThat(below.getSpec().getHostname()).isEqualTo("s-1");
        assertThat(below.getSpec().getSubdomain()).isEqualTo("svc");
        assertThat(below.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo("u"));
        Pod above = Decision.decide(ordered(3), pods(ordered(3), "ready", "ready", "-"), ROLLING, NOW).create().get(0);
        assertThat(above.getSpec().getContainers().get(0).getImage()).isEqualTo("app:2");
    }

    @Test
    void aPodThatLostItsIdentityLabelGetsItBack() {
        StatefulSet set = ordered(1);
        Pod pod = pods(set, "ready").get(0);
        pod.getMetadata().getLabels().remove("statefulset.kubernetes.io/pod-name");
        assertThat(Decision.decide(set, List.of(pod), SETTLED, NOW).restore()).singleElement()
                .satisfies(p -> assertThat(p.getMetadata().getLabels()).containsEntry("statefulset.kubernetes.io/pod-name", "s-0"));
    }

    @Test
    void theStatusCountsAndCompletesARollingUpdateOnceAllAreUpdatedAndReady() {
        StatefulSet set = ordered(2);
        var midway = Decision.decide(set, pods(set, "ready", "ready@r2"), ROLLING, NOW).status();
        assertThat(midway.getReplicas()).isEqualTo(2);
        assertThat(midway.getReadyReplicas()).isEqualTo(2);
        assertThat(midway.getCurrentReplicas()).isEqualTo(1);
        assertThat(midway.getUpdatedReplicas()).isEqualTo(1);
        assertThat(midway.getCurrentRevision()).isEqualTo("r1");
        assertThat(midway.getUpdateRevision()).isEqualTo("r2");
        assertThat(midway.getObservedGeneration()).isEqualTo(2L);
        var done = Decision.decide(set, pods(set, "ready@r2", "ready@r2"), ROLLING, NOW).status();
        assertThat(done.getCurrentRevision()).isEqualTo("r2");
        assertThat(done.getCurrentReplicas()).isEqualTo(2);
    }

    @Test
    void ordinalsCountFromSpecOrdinalsStart() {
        StatefulSet set = set(2, "OrderedReady").editSpec().withNewOrdinals(5).endSpec().build();
        assertThat(Decision.decide(set, List.of(), SETTLED, NOW).create()).extracting(p -> p.getMetadata().getName())
                .containsExactly("s-5");
        // s-0 and s-1 (made before the start moved to 5) are outside the range: made anew at 5 and 6, then removed
        List<Pod> old = pods(set, "ready", "ready");
        assertThat(Decision.decide(set, old, SETTLED, NOW).create()).extracting(p -> p.getMetadata().getName())
                .containsExactly("s-5");
        List<Pod> moved = new ArrayList<>(old);
        moved.addAll(pods(set, "-", "-", "-", "-", "-", "ready", "ready"));
        assertThat(Decision.decide(set, moved, SETTLED, NOW).delete()).extracting(p -> p.getMetadata().getName())
                .containsExactly("s-1");
    }

    @Test
    void podsOfOtherNamesAreNoOrdinals() {
        StatefulSet set = ordered(1);
        assertThat(Identity.ordinal(set, new PodBuilder().withNewMetadata().withName("s-12").endMetadata().build())).isEqualTo(12);
        assertThat(Identity.ordinal(set, new PodBuilder().withNewMetadata().withName("s2-1").endMetadata().build())).isEqualTo(-1);
        assertThat(Identity.ordinal(set, new PodBuilder().withNewMetadata().withName("s-x").endMetadata().build())).isEqualTo(-1);
        assertThat(Identity.ordinal(set, new PodBuilder().withNewMetadata().withName("s-99999999999").endMetadata().build()))
                .isEqualTo(-1);
    }
}
