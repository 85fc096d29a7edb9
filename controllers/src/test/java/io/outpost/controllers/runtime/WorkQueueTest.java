package io.outpost.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.outpost.testing.FakeClock;

class WorkQueueTest {

    private final FakeClock clock = new FakeClock();
    private final WorkQueue<String> queue = new WorkQueue<>(WorkQueue.Config.defaults("test", clock));

    @Test
    void anItemAddedTwiceBeforeItIsTakenIsHandedOutOnce() {
        queue.add("a");
        queue.add("a");
        queue.add("b");
        assertThat(queue.length()).isEqualTo(2);
        assertThat(queue.poll()).contains("a");
        assertThat(queue.poll()).contains("b");
        assertThat(queue.poll()).isEmpty();
    }

    @Test
    void anItemAddedWhileAWorkerHoldsItIsNotHandedToASecondWorkerUntilDone() {
        queue.add("a");
        assertThat(queue.poll()).contains("a");
        queue.add("a");
        assertThat(queue.poll()).as("a second worker must not get it").isEmpty();
        queue.done("a");
        assertThat(queue.poll()).contains("a");
        queue.done("a");
        assertThat(queue.poll()).isEmpty();
    }

    @Test
    void aDelayedItemIsHandedOutOnlyOnceTheClockPassesItsTime() {
        queue.addAfter("a", Duration.ofSeconds(10));
        assertThat(queue.poll()).isEmpty();
        clock.advance(Duration.ofSeconds(9));
        assertThat(queue.poll()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(queue.poll()).contains("a");
    }

    @Test
    void anItemDelayedTwiceKeepsTheEarlierTime() {
        queue.addAfter("a", Duration.ofSeconds(10));
        queue.addAfter("a", Duration.ofSeconds(2));
        queue.addAfter("a", Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(2));
        assertThat(queue.poll()).contains("a");
        queue.done("a");
        clock.advance(Duration.ofSeconds(30));
        assertThat(queue.poll()).as("only one entry was waiting").isEmpty();
    }

    @Test
    void failuresBackOffExponentiallyFromFiveMillisecondsAndForgetResets() {
        List<Long> waits = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            queue.addRateLimited("a");
            long waited = 0;
            while (queue.poll().isEmpty()) {
                clock.advance(Duration.ofMillis(1));
                waited++;
            }
            queue.done("a");
            waits.add(waited);
        }
        assertThat(waits).containsExactly(5L, 10L, 20L, 40L);
        assertThat(queue.numRequeues("a")).isEqualTo(4);
        queue.forget("a");
        assertThat(queue.numRequeues("a")).isZero();
    }

    @Test
    void aShutDownQueueEndsABlockedGetAndRefusesNewItems() throws Exception {
        var got = new java.util.concurrent.atomic.AtomicReference<Optional<String>>();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                got.set(queue.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        queue.shutDown();
        worker.join();
        assertThat(got.get()).isEmpty();
        queue.add("a");
        assertThat(queue.poll()).isEmpty();
    }

    @Test
    void aBlockedGetReturnsAnItemAddedFromAnotherThread() throws Exception {
        var got = new java.util.concurrent.atomic.AtomicReference<Optional<String>>();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                got.set(queue.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        queue.add("x");
        worker.join();
        assertThat(got.get()).contains("x");
    }
}
