package io.outpost.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;

class ReplicasTest {

    static Deployment rolling(int replicas, Object surge, Object unavailable) {
        return new DeploymentBuilder().withNewMetadata().withName("d").withGeneration(1L).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(surge == null ? null : new IntOrString(surge))
                .withMaxUnavailable(unavailable == null ? null : new IntOrString(unavailable))
                .endRollingUpdate().endStrategy().endSpec().build();
    }

    static ReplicaSet rs(String name, int spec, int available, String created) {
        return new ReplicaSetBuilder().withNewMetadata().withName(name).withUid(name).withCreationTimestamp(created).endMetadata()
                .withNewSpec().withReplicas(spec).endSpec()
                .withNewStatus().withReplicas(spec).withAvailableReplicas(available).endStatus().build();
    }

    record Fencepost(String name, Deployment d, int surge, int unavailable) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Fencepost> fenceposts() {
        return Stream.of(
                new Fencepost("The defaults of 25% round surge up and unavailable down", rolling(10, null, null), 3, 2),
                new Fencepost("Absolute values are taken as they are", rolling(10, 2, 1), 2, 1),
                new Fencepost("Percentages of a small Deployment: 25% of 1 surges 1 and allows 0 unavailable", rolling(1, null, null), 1, 0),
                new Fencepost("Both zero would never progress, so one may be unavailable", rolling(3, 0, 0), 0, 1),
                new Fencepost("Percentages over 100 scale too", rolling(4, "150%", "50%"), 6, 2));
    }

    @ParameterizedTest
    @MethodSource("fenceposts")
    void maxSurgeAndMaxUnavailableResolveLikeKube(Fencepost c) {
        assertThat(Replicas.fenceposts(c.d())).containsExactly(c.surge(), c.unavailable());
    }

    @Test
    void maxUnavailableNeverExceedsTheDesiredCount() {
        assertThat(Replicas.maxUnavailable(rolling(2, 0, 5))).isEqualTo(2);
    }

    record Growth(String name, Deployment d, List<ReplicaSet> all, ReplicaSet newRS, int expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Growth> growth() {
        ReplicaSet empty = rs("new", 0, 0, "2026-01-01T00:01:00Z");
        ReplicaSet old3 = rs("old", 3, 3, "2026-01-01T00:00:00Z");
        ReplicaSet new2 = rs("new", 2, 0, "2026-01-01T00:01:00Z");
        return Stream.of(
                new Growth("A new ReplicaSet grows by the surge while the old one is full", rolling(3, 1, 0),
                        List.of(old3, empty), empty, 1),
                new Growth("It does not grow while the total is at desired plus surge", rolling(3, 1, 0),
                        List.of(rs("old", 2, 2, "2026-01-01T00:00:00Z"), new2), new2, 2),
                new Growth("It never grows past the desired count", rolling(3, 10, 0), List.of(empty), empty, 3),
                new Growth("Recreate creates every replica at once", new DeploymentBuilder(rolling(4, 1, 1))
                        .editSpec().editStrategy().withType("Recreate").withRollingUpdate(null).endStrategy().endSpec().build(),
                        List.of(empty), empty, 4));
    }

    @ParameterizedTest
    @MethodSource("growth")
    void theNewReplicaSetGrowsWithinTheSurge(Growth c) {
        assertThat(Replicas.newRSNewReplicas(c.d(), c.all(), c.newRS())).isEqualTo(c.expected());
    }

    @Test
    void theOnlyActiveReplicaSetTakesAScaleChange() {
        ReplicaSet active = rs("a", 3, 3, "2026-01-01T00:00:00Z");
        ReplicaSet idle = rs("b", 0, 0, "2026-01-01T00:01:00Z");
        assertThat(Replicas.activeOrLatest(idle, List.of(active))).isSameAs(active);
        assertThat(Replicas.activeOrLatest(null, List.of(idle, rs("c", 0, 0, "2026-01-01T00:02:00Z"))).getMetadata().getName())
                .isEqualTo("c");
        assertThat(Replicas.activeOrLatest(active, List.of(rs("d", 1, 1, "2026-01-01T00:00:00Z")))).isNull();
    }

    @Test
    void scalingMidRolloutSplitsInProportionToTheSizeAtTheLastScale() {
        Deployment d = rolling(20, 0, 1); // from 10 to 20, no surge
        ReplicaSet half = new ReplicaSetBuilder(rs("a", 5, 5, "2026-01-01T00:00:00Z")).editMetadata()
                .addToAnnotations(Replicas.MAX_REPLICAS, "10").endMetadata().build();
        assertThat(Replicas.proportion(half, d, 10, 0)).isEqualTo(5);
        assertThat(Replicas.proportion(half, d, 10, 8)).as("only what is left to add").isEqualTo(2);
        assertThat(Replicas.proportion(half, rolling(0, 0, 1), -5, 0)).as("to zero").isEqualTo(-5);
    }
}
