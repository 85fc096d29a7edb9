package io.outpost.scheduler;

import static io.outpost.scheduler.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.outpost.scheduler.SchedulingQueue.Where;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.testing.FakeClock;

class SchedulingQueueTest {

    final FakeClock clock = new FakeClock();
    final SchedulingQueue queue = new SchedulingQueue(clock, Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofMinutes(5));

    static PodInfo pending(String name, int priority) {
        return PodInfo.of(pod(name).editSpec().withPriority(priority).endSpec().build());
    }

    @Test
    void higherPriorityPodsPopFirstThenTheLongestWaiting() {
        queue.add(pending("low", 0));
        clock.advance(Duration.ofMillis(1));
        queue.add(pending("high", 100));
        clock.advance(Duration.ofMillis(1));
        queue.add(pending("low2", 0));
        assertThat(queue.poll().pod().name()).isEqualTo("high");
        assertThat(queue.poll().pod().name()).isEqualTo("low");
        assertThat(queue.poll().pod().name()).isEqualTo("low2");
        assertThat(queue.poll()).isNull();
    }

    @Test
    void aFailedPodWaitsItsBackOffWhichDoublesPerAttemptUpToTheMaximum() {
        PodInfo p = pending("p", 0);
        queue.add(p);
        var q = queue.poll();
        assertThat(queue.backoffDuration(q)).isEqualTo(Duration.ofSeconds(1));
        queue.addBackoff(q);
        assertThat(queue.where(p.uid())).isEqualTo(Where.BACKOFF);
        clock.advance(Duration.ofMillis(999));
        queue.flushBackoffCompleted();
        assertThat(queue.poll()).isNull();
        clock.advance(Duration.ofMillis(1));
        queue.flushBackoffCompleted();
        q = queue.poll();
        assertThat(q.attempts()).isEqualTo(2);
        assertThat(queue.backoffDuration(q)).isEqualTo(Duration.ofSeconds(2));
        for (int i = 0; i < 5; i++) {
            queue.addBackoff(q);
            clock.advance(Duration.ofSeconds(10));
            queue.flushBackoffCompleted();
            q = queue.poll();
        }
        assertThat(queue.backoffDuration(q)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anUnschedulablePodWaitsForAClusterChange() {
        PodInfo p = pending("p", 0);
        queue.add(p);
        var q = queue.poll();
        queue.addUnschedulable(q);
        assertThat(queue.where(p.uid())).isEqualTo(Where.UNSCHEDULABLE);
        clock.advance(Duration.ofMinutes(1));
        queue.flushBackoffCompleted();
        assertThat(queue.poll()).isNull();
        queue.moveAllToActiveOrBackoff();
        assertThat(queue.poll().pod().name()).isEqualTo("p");
    }

    @Test
    void aClusterChangeDuringTheCycleSendsTheFailedPodToBackOffNotUnschedulable() {
        PodInfo p = pending("p", 0);
        queue.add(p);
        var q = queue.poll();
        queue.moveAllToActiveOrBackoff(); // a node arrived while p was being scheduled
        queue.addUnschedulable(q);
        assertThat(queue.where(p.uid())).isEqualTo(Where.BACKOFF);
    }

    @Test
    void anUnschedulablePodIsRetriedAfterFiveMinutesWithoutAnyChange() {
        PodInfo p = pending("p", 0);
        queue.add(p);
        queue.addUnschedulable(queue.poll());
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        queue.flushUnschedulableLeftover();
        assertThat(queue.where(p.uid())).isEqualTo(Where.UNSCHEDULABLE);
        clock.advance(Duration.ofSeconds(1));
        queue.flushUnschedulableLeftover();
        assertThat(queue.where(p.uid())).isEqualTo(Where.ACTIVE);
    }

    @Test
    void anUpdateToAnUnschedulablePodRetriesItAfterItsBackOff() {
        PodInfo p = pending("p", 0);
        queue.add(p);
        queue.addUnschedulable(queue.poll());
        queue.update(pending("p", 0));
        assertThat(queue.where(p.uid())).isEqualTo(Where.BACKOFF);
        clock.advance(Duration.ofSeconds(1));
        queue.flushBackoffCompleted();
        assertThat(queue.where(p.uid())).isEqualTo(Where.ACTIVE);
    }

    @Test
    void aDeletedPodLeavesEveryPartAndItsInFlightResultIsDropped() {
        PodInfo p = pending("p", 0);
        queue.add(p);
        var q = queue.poll();
        queue.delete(p.uid());
        queue.addUnschedulable(q);
        assertThat(queue.where(p.uid())).isEqualTo(Where.ABSENT);
        queue.add(pending("r", 0));
        queue.delete(pending("r", 0).uid());
        assertThat(queue.poll()).isNull();
    }

    @Test
    void addingAQueuedPodAgainDoesNotDuplicateIt() {
        queue.add(pending("p", 0));
        queue.add(pending("p", 0));
        assertThat(queue.poll()).isNotNull();
        assertThat(queue.poll()).isNull();
    }
}
