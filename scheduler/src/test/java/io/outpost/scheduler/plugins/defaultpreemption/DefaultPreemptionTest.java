package io.outpost.scheduler.plugins.defaultpreemption;

import static io.outpost.scheduler.testing.Fixtures.cluster;
import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.on;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.Status;

class DefaultPreemptionTest {

    @Test
    void nodesRejectedForUnresolvableReasonsAreNotHelpfulAndNodesWithoutVictimsSaySo() {
        var cluster = cluster(List.of(node("n1").build(), node("n2").build(), node("n3").build()),
                List.of(on("n3", pod("low").editSpec().withPriority(-1).endSpec())));
        var statuses = Map.of("n1", Status.unresolvable("node(s) had untolerated taint {a: }"),
                "n2", Status.unschedulable("Insufficient cpu"), "n3", Status.unschedulable("Insufficient cpu"));
        var result = new DefaultPreemption().postFilter(new CycleState(), PodInfo.of(pod("p").build()),
                cluster.snapshot(), statuses);
        assertThat(result.status().message()).isEqualTo("preemption: 0/3 nodes are available: "
                + "1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling, "
                + "1 Preemption of lower-priority pods is not supported yet.");
        assertThat(result.nominatedNode()).isNull();
    }

    @Test
    void aPodThatNeverPreemptsSaysSo() {
        var cluster = cluster(List.of(node("n1").build()), List.of());
        var pod = pod("p").editSpec().withPreemptionPolicy("Never").endSpec().build();
        var result = new DefaultPreemption().postFilter(new CycleState(), PodInfo.of(pod), cluster.snapshot(),
                Map.of("n1", Status.unschedulable("Insufficient cpu")));
        assertThat(result.status().message()).isEqualTo("not eligible due to preemptionPolicy=Never.");
    }
}
