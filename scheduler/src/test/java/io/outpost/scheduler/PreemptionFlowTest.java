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
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.outpost.scheduler.framework.Binder;
import io.outpost.scheduler.framework.PodEvicter;
import io.outpost.scheduler.framework.Status;
import io.outpost.testing.FakeClock;

/**
 * Preemption through the whole scheduling path: the preemptor evicts, is nominated, and the room
 * it made is kept from a lower-priority pod until it is bound there.
 */
class PreemptionFlowTest {

    final FakeClock clock = new FakeClock();
    final SchedulerCache cache = new SchedulerCache();
    final SchedulingQueue queue = new SchedulingQueue(clock, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofMinutes(5));
    final Map<String, String> bound = new ConcurrentHashMap<>();
    final List<String> evicted = new ArrayList<>();
    final List<String> nominated = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    final Binder binder = (pod, node) -> {
        bound.put(pod.getMetadata().getName(), node);
        return Status.SUCCESS;
    };

    final PodEvicter evicter = new PodEvicter() {
        @Override
        public void evict(Pod victim, Pod preemptor, String nodeName) {
            evicted.add(victim.getMetadata().getName());
        }

        @Override
        public void nominate(Pod pod, String nodeName) {
            nominated.add(pod.getMetadata().getName() + "@" + nodeName);
        }
    };

    final Scheduler scheduler = new Scheduler(new Scheduler.Config(SchedulerConfiguration.defaultConfiguration()
            .frameworks(PluginRegistry.inTree(), clock, binder, evicter), cache, queue,
            (pod, type, reason, message) -> events.add(pod.getMetadata().getName() + " " + reason + ": " + message),
            PodConditionWriter.NONE, clock, Runnable::run));

    static PodBuilder prio(String name, int priority, String cpu) {
        return pod(name, cpu, null).editSpec().withPriority(priority).endSpec();
    }

    @Test
    void aPreemptorKeepsTheRoomItMadeFromALowerPriorityPod() {
        scheduler.onNode(node("n1").build());
        Pod low = on("n1", prio("low", 1, "4"));
        scheduler.onPod(low);
        scheduler.onPod(prio("urgent", 10, "4").build());

        scheduler.scheduleNext();
        assertThat(evicted).containsExactly("low");
        assertThat(nominated).containsExactly("urgent@n1");
        assertThat(bound).isEmpty();

        // The victim goes; a pod of lower priority arrives before the preemptor's back-off ends.
        scheduler.onPodDelete(low);
        scheduler.onPod(prio("sneaky", 5, "2").build());
        scheduler.scheduleNext();
        assertThat(bound).as("the room is the nominated pod's").isEmpty();
        assertThat(events).last().asString().startsWith("sneaky FailedScheduling: 0/1 nodes are available: 1 Insufficient cpu.");

        clock.advance(Duration.ofSeconds(2));
        queue.flushBackoffCompleted();
        scheduler.scheduleNext();
        assertThat(bound).containsExactly(Map.entry("urgent", "n1"));
    }

    @Test
    void aPodOfHigherPriorityThanTheNominatedOneMayStillTakeTheRoom() {
        scheduler.onNode(node("n1").build());
        Pod low = on("n1", prio("low", 1, "4"));
        scheduler.onPod(low);
        scheduler.onPod(prio("urgent", 10, "4").build());
        scheduler.scheduleNext();
        scheduler.onPodDelete(low);

        scheduler.onPod(prio("critical", 100, "4").build());
        scheduler.scheduleNext();
        assertThat(bound).containsExactly(Map.entry("critical", "n1"));
    }
}
