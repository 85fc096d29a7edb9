package io.outpost.controllers.nodelifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.outpost.testing.FakeClock;

class NodeHealthTest {

    static final Duration GRACE = Duration.ofSeconds(40);

    static Node node(String heartbeat) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName("edge-1").endMetadata();
        if (heartbeat != null) {
            b.withNewStatus().addNewCondition().withType("Ready").withStatus("True").withLastHeartbeatTime(heartbeat)
                    .endCondition().endStatus();
        }
        return b.build();
    }

    static Lease lease(String renew) {
        return new LeaseBuilder().withNewMetadata().withName("edge-1").withNamespace("kube-node-lease").endMetadata()
                .withNewSpec().withHolderIdentity("edge-1")
                .withRenewTime(renew == null ? null : Instant.parse(renew).atZone(ZoneOffset.UTC)).endSpec().build();
    }

    /** A sequence of observations, {@code step} apart, and whether the node is unreachable after the last. */
    record Case(String name, Duration step, boolean expired, Object[][] observations) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Object[] seen(String heartbeat, String renew) {
        return new Object[] {heartbeat, renew};
    }

    static final String T0 = "2026-01-01T00:00:00Z";
    static final String T1 = "2026-01-01T00:00:10Z";

    static Stream<Case> cases() {
        return Stream.of(
                new Case("A node seen for the first time gets a whole grace period", Duration.ZERO, false,
                        new Object[][] {seen(T0, T0)}),
                new Case("A node whose lease is not renewed for longer than the grace period is unreachable",
                        Duration.ofSeconds(41), true, new Object[][] {seen(T0, T0), seen(T0, T0)}),
                new Case("A node whose lease is not renewed for exactly the grace period is still healthy",
                        Duration.ofSeconds(40), false, new Object[][] {seen(T0, T0), seen(T0, T0)}),
                new Case("A renewed lease keeps the node healthy though its status heartbeat is old",
                        Duration.ofSeconds(30), false, new Object[][] {seen(T0, T0), seen(T0, T1), seen(T0, "2026-01-01T00:00:20Z")}),
                new Case("A changed Ready heartbeat keeps a node without a lease healthy",
                        Duration.ofSeconds(30), false, new Object[][] {seen(T0, null), seen(T1, null), seen("2026-01-01T00:00:20Z", null)}),
                new Case("A lease renewal older than one already seen is no sign of life",
                        Duration.ofSeconds(25), true, new Object[][] {seen(T0, T1), seen(T0, T0), seen(T0, T0)}),
                new Case("An expired node whose lease is renewed again is healthy",
                        Duration.ofSeconds(45), false, new Object[][] {seen(T0, T0), seen(T0, T0), seen(T0, T1)}),
                new Case("A node's clock far behind ours does not matter: only changes count",
                        Duration.ofSeconds(30), false, new Object[][] {seen(null, "1999-01-01T00:00:00Z"), seen(null, "1999-01-01T00:00:30Z"),
                            seen(null, "1999-01-01T00:00:30Z")}));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void judgesByChangesSeenOnOurClock(Case c) {
        FakeClock clock = new FakeClock();
        NodeHealth health = null;
        for (int i = 0; i < c.observations().length; i++) {
            if (i > 0) {
                clock.advance(c.step());
            }
            Object[] o = c.observations()[i];
            health = NodeHealth.observe(health, node((String) o[0]), o[1] == null ? null : lease((String) o[1]), clock.instant());
        }
        assertThat(health.expired(clock.instant(), GRACE)).isEqualTo(c.expired());
    }
}
