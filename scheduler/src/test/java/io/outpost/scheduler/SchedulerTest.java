package io.outpost.scheduler;

import static io.outpost.scheduler.testing.Fixtures.node;
import static io.outpost.scheduler.testing.Fixtures.on;
import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.outpost.scheduler.SchedulingQueue.Where;
import io.outpost.scheduler.framework.Binder;
import io.outpost.scheduler.framework.Status;
import io.outpost.testing.FakeClock;

/** The whole scheduling path, with the default profile, a recording binder and a fake clock. */
class SchedulerTest {

    final FakeClock clock = new FakeClock();
    final SchedulerCache cache = new SchedulerCache();
    final SchedulingQueue queue = new SchedulingQueue(clock, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofMinutes(5));
    final Map<String, String> bound = new ConcurrentHashMap<>();
    final List<String> events = new ArrayList<>();
    final List<String> conditions = new ArrayList<>();
    Status bindAnswer = Status.SUCCESS;

    final Binder binder = (pod, node) -> {
        if (bindAnswer.isSuccess()) {
            bound.put(pod.getMetadata().getName(), node);
        }
        return bindAnswer;
    };

    Scheduler scheduler(SchedulerConfiguration configuration) {
        return new Scheduler(new Scheduler.Config(configuration.frameworks(PluginRegistry.inTree(), clock, binder),
                cache, queue, (pod, type, reason, message) -> events.add(
                        pod.getMetadata().getName() + " " + type + " " + reason + ": " + message),
                (pod, reason, message) -> conditions.add(pod.getMetadata().getName() + " " + reason + ": " + message),
                clock, Runnable::run));
    }

    final Scheduler scheduler = scheduler(SchedulerConfiguration.defaultConfiguration());

    @Test
    void aPodIsBoundToTheNodeThatFitsAndAScheduledEventSaysSo() {
        scheduler.onNode(node("small").editStatus().addToAllocatable("cpu", new io.fabric8.kubernetes.api.model.Quantity("1"))
                .endStatus().build());
        scheduler.onNode(node("big").build());
        scheduler.onPod(pod("web", "2", "1Gi").build());
        assertThat(scheduler.scheduleNext()).isTrue();
        assertThat(bound).containsExactly(Map.entry("web", "big"));
        assertThat(events).containsExactly("web Normal Scheduled: Successfully assigned default/web to big");
        assertThat(cache.podsOn("big")).containsExactly("default/web");
    }

    @Test
    void theFailedSchedulingMessageCountsEachNodesReasonsAsKubeSchedulerWordsThem() {
        scheduler.onNode(node("control-plane").editSpec()
                .withTaints(new Taint("NoSchedule", "node-role.kubernetes.io/control-plane", null, null)).endSpec()
                .build());
        scheduler.onNode(node("w1").build());
        scheduler.onNode(node("w2").build());
        scheduler.onPod(on("w1", pod("a", "3", null)));
        scheduler.onPod(on("w2", pod("b", "3", null)));
        Pod big = pod("big", "2", null).build();
        scheduler.onPod(big);
        scheduler.scheduleNext();
        assertThat(bound).isEmpty();
        assertThat(events).containsExactly("big Warning FailedScheduling: 0/3 nodes are available: "
                + "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. "
                + "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
                + "2 No preemption victims found for incoming pod.");
        assertThat(queue.where(big.getMetadata().getUid())).isEqualTo(Where.UNSCHEDULABLE);
        assertThat(conditions).singleElement().asString().startsWith("big Unschedulable: 0/3 nodes are available: ");

        // A pod deleted frees room: the unschedulable pod is retried, after its back-off, and fits.
        scheduler.onPodDelete(on("w2", pod("b", "3", null)));
        assertThat(queue.where(big.getMetadata().getUid())).isEqualTo(Where.BACKOFF);
        clock.advance(Duration.ofSeconds(1));
        queue.flushBackoffCompleted();
        assertThat(scheduler.scheduleNext()).isTrue();
        assertThat(bound).containsExactly(Map.entry("big", "w2"));
    }

    @Test
    void withNoNodesThePodWaits() {
        Pod p = pod("p").build();
        scheduler.onPod(p);
        scheduler.scheduleNext();
        assertThat(events).containsExactly("p Warning FailedScheduling: no nodes available to schedule pods");
        scheduler.onNode(node("n1").build());
        clock.advance(Duration.ofSeconds(1));
        queue.flushBackoffCompleted();
        assertThat(scheduler.scheduleNext()).isTrue();
        assertThat(bound).containsEntry("p", "n1");
    }

    @Test
    void anAssumedPodsRequestsCountForTheNextPodBeforeItsBindingIsSeen() {
        scheduler.onNode(node("n1").build());
        scheduler.onPod(pod("first", "3", null).build());
        scheduler.onPod(pod("second", "3", null).build());
        scheduler.scheduleNext();
        scheduler.scheduleNext();
        assertThat(bound).containsOnlyKeys("first");
        assertThat(events.get(1)).startsWith("second Warning FailedScheduling: 0/1 nodes are available: 1 Insufficient cpu.");
    }

    @Test
    void aFailedBindingForgetsTheAssumptionAndRetriesAfterBackOff() {
        scheduler.onNode(node("n1").build());
        Pod p = pod("p", "3", null).build();
        scheduler.onPod(p);
        bindAnswer = Status.error("pods \"p\" is forbidden");
        scheduler.scheduleNext();
        assertThat(events).contains("p Warning FailedScheduling: Binding rejected: pods \"p\" is forbidden");
        assertThat(cache.podsOn("n1")).isEmpty();
        assertThat(queue.where(p.getMetadata().getUid())).isEqualTo(Where.BACKOFF);
        bindAnswer = Status.SUCCESS;
        clock.advance(Duration.ofSeconds(1));
        queue.flushBackoffCompleted();
        assertThat(scheduler.scheduleNext()).isTrue();
        assertThat(bound).containsEntry("p", "n1");
    }

    @Test
    void hardTopologySpreadKeepsZonesWithinMaxSkewAsPodsComeAndGo() {
        for (int i = 0; i < 9; i++) {
            scheduler.onNode(node("n" + i).editMetadata().addToLabels("zone", "z" + (i % 3)).endMetadata().build());
        }
        var spread = new io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder().withMaxSkew(1)
                .withTopologyKey("zone").withWhenUnsatisfiable("DoNotSchedule")
                .withNewLabelSelector().addToMatchLabels("app", "web").endLabelSelector().build();
        java.util.function.IntFunction<Pod> web = i -> pod("web-" + i).editMetadata().addToLabels("app", "web")
                .endMetadata().editSpec().withTopologySpreadConstraints(spread).endSpec().build();
        for (int i = 0; i < 20; i++) {
            int[] before = new int[3];
            bound.values().forEach(n -> before[Integer.parseInt(n.substring(1)) % 3]++);
            int min = Math.min(before[0], Math.min(before[1], before[2]));
            scheduler.onPod(web.apply(i));
            scheduler.scheduleNext();
            // With maxSkew 1 a new pod may only go to a zone holding the fewest.
            int zone = Integer.parseInt(bound.get("web-" + i).substring(1)) % 3;
            assertThat(before[zone]).as("pod %d went to zone %d of %s", i, zone, java.util.Arrays.toString(before))
                    .isEqualTo(min);
            // the informer confirms some bindings, as it would
            if (i % 2 == 0) {
                scheduler.onPod(on(bound.get("web-" + i), new io.fabric8.kubernetes.api.model.PodBuilder(web.apply(i))));
            }
            if (i == 10) {
                // pods leave zone z0 entirely; the next pods must refill it first
                for (int j = 0; j <= i; j++) {
                    String node = bound.get("web-" + j);
                    if (node != null && Integer.parseInt(node.substring(1)) % 3 == 0) {
                        scheduler.onPodDelete(on(node, new io.fabric8.kubernetes.api.model.PodBuilder(web.apply(j))));
                        bound.remove("web-" + j);
                    }
                }
            }
        }
        assertThat(events).noneMatch(e -> e.contains("FailedScheduling"));
    }

    @Test
    void aHeartbeatDoesNotRetryUnschedulablePodsButANewLabelDoes() {
        scheduler.onNode(node("n1").build());
        Pod p = pod("p").editSpec().withNodeSelector(Map.of("site", "berlin")).endSpec().build();
        scheduler.onPod(p);
        scheduler.scheduleNext();
        assertThat(queue.where(p.getMetadata().getUid())).isEqualTo(Where.UNSCHEDULABLE);

        var heartbeat = node("n1").editStatus().editFirstCondition().withLastHeartbeatTime("2026-01-01T00:00:10Z")
                .endCondition().endStatus().build();
        scheduler.onNode(heartbeat);
        assertThat(queue.where(p.getMetadata().getUid())).isEqualTo(Where.UNSCHEDULABLE);

        scheduler.onNode(node("n1").editMetadata().addToLabels("site", "berlin").endMetadata().build());
        assertThat(queue.where(p.getMetadata().getUid())).isEqualTo(Where.BACKOFF);
        clock.advance(Duration.ofSeconds(1));
        queue.flushBackoffCompleted();
        assertThat(scheduler.scheduleNext()).isTrue();
        assertThat(bound).containsEntry("p", "n1");
    }

    @Test
    void podsForAnotherSchedulerAreLeftAlone() {
        scheduler.onNode(node("n1").build());
        scheduler.onPod(pod("p").editSpec().withSchedulerName("gpu-scheduler").endSpec().build());
        assertThat(scheduler.scheduleNext()).isFalse();
        assertThat(bound).isEmpty();
    }

    @Test
    void aSecondProfileServesItsOwnSchedulerNameWithItsOwnWeights() {
        var config = SchedulerConfiguration.parse("""
                apiVersion: kubescheduler.config.k8s.io/v1
                kind: KubeSchedulerConfiguration
                profiles:
                - schedulerName: default-scheduler
                - schedulerName: packer
                  pluginConfig:
                  - name: NodeResourcesFit
                    args:
                      scoringStrategy:
                        type: MostAllocated
                """);
        Scheduler two = scheduler(config);
        two.onNode(node("empty").build());
        two.onNode(node("busy").build());
        two.onPod(on("busy", pod("a", "2", "4Gi")));
        two.onPod(pod("packed", "1", "1Gi").editSpec().withSchedulerName("packer").endSpec().build());
        two.onPod(pod("spread", "1", "1Gi").build());
        two.scheduleNext();
        two.scheduleNext();
        assertThat(bound).containsEntry("packed", "busy").containsEntry("spread", "empty");
    }

    @Test
    void theBindingIsConfirmedByTheInformerAndNotScheduledTwice() {
        scheduler.onNode(node("n1").build());
        Pod p = pod("p").build();
        scheduler.onPod(p);
        scheduler.scheduleNext();
        scheduler.onPod(on("n1", pod("p")));
        scheduler.onPod(p); // a stale pending copy arriving late
        scheduler.scheduleNext();
        assertThat(cache.podsOn("n1")).containsExactly("default/p");
        assertThat(events).hasSize(1);
    }
}
