package io.outpost.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * How a {@link Watch} ends: from a compacted revision, closed by its consumer, by the store's
 * close, or dropped for falling behind (the back-pressure rule of {@link Watch}).
 */
abstract class WatchLifecycleContract extends ContractSection {

    WatchLifecycleContract(KvStoreContract backend) {
        super(backend);
    }

    @Test
    void aWatchFromACompactedRevisionFailsWithCompactedOnItsFirstPoll() {
        KeyValue v1 = store.create("/w/k", bytes("1"));
        KeyValue v2 = store.update("/w/k", bytes("2"), v1.modRevision());
        KeyValue v3 = store.update("/w/k", bytes("3"), v2.modRevision());
        store.update("/w/k", bytes("4"), v3.modRevision());
        store.compact(v3.modRevision());

        // Opening is not the failure: the contract puts it on the first poll.
        try (Watch watch = store.watch("/w/", v1.modRevision())) {
            StoreException.Compacted e = thrown(StoreException.Compacted.class, () -> watch.poll(GUARD));

            assertThat(e.compactRevision()).isEqualTo(v3.modRevision());
        }
    }

    @Test
    void aPollAfterCloseFailsWithIllegalStateExceptionAndASecondCloseDoesNothing() {
        Watch watch = store.watch("/w/", 0);
        watch.close();
        store.create("/w/k", bytes("after close"));

        assertThatIllegalStateException().isThrownBy(() -> watch.poll(GUARD));
        watch.close();
        assertThatIllegalStateException().isThrownBy(() -> watch.poll(GUARD));
    }

    @Test
    void closingAWatchWakesAPollBlockedOnAnotherThread() throws InterruptedException {
        Watch watch = store.watch("/w/", 0);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                outcome.set(watch.poll(Duration.ofMinutes(10)));
            } catch (RuntimeException | InterruptedException e) {
                outcome.set(e);
            }
        });
        awaitBlocked(consumer);

        watch.close();

        assertThat(consumer.join(GUARD)).as("the blocked poll returned once the watch was closed").isTrue();
        // Woken, the poll may return what it has (nothing) or report the close.
        assertThat(outcome.get()).satisfiesAnyOf(
                o -> assertThat(o).isEqualTo(List.of()),
                o -> assertThat(o).isInstanceOf(IllegalStateException.class));
    }

    @Test
    void closingTheStoreEndsItsOpenWatchesWithUnavailable() {
        KvStore closing = track(backend.newStore());
        Watch watch = closing.watch("/w/", 0);

        closeNow(closing);

        thrown(StoreException.Unavailable.class, () -> watch.poll(GUARD));
        watch.close();
    }

    @Test
    void aWatcherThatFallsBehindIsDroppedWithUnavailableWhileOneThatKeepsUpSeesEveryEvent()
            throws InterruptedException {
        int buffer = 4;
        int writes = 3 * buffer;
        KvStore small = track(backend.newStoreWithWatchBuffer(buffer));
        try (Watch slow = small.watch("/w/", 0); Watch fast = small.watch("/w/", 0)) {
            List<Event> fastSeen = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                KeyValue kv = small.create("/w/" + i, bytes("v" + i));
                fastSeen.addAll(pollThrough(fast, kv.modRevision()));
            }

            // The slow watcher has not polled once: it is 12 events behind with room for 4.
            List<Event> slowSeen = new ArrayList<>();
            thrown(StoreException.Unavailable.class, () -> {
                List<Event> batch;
                while (!(batch = slow.poll(GUARD)).isEmpty()) {
                    slowSeen.addAll(batch);
                }
            });

            assertThat(slowSeen).as("events delivered before the drop").hasSizeLessThan(writes);
            assertThat(fastSeen).hasSize(writes);
            // The store and the other watcher carry on.
            KeyValue more = small.create("/w/more", bytes("more"));
            assertThat(pollThrough(fast, more.modRevision())).containsExactly(Event.put(more, null));
        }
    }

    /**
     * Spins (without sleeping) until {@code t} is parked or done, for at most {@link #GUARD}: the
     * close should find the poll blocked, though the test holds either way.
     */
    private static void awaitBlocked(Thread t) {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (t.getState() == Thread.State.NEW || t.getState() == Thread.State.RUNNABLE) {
            if (System.nanoTime() > deadline) {
                return;
            }
            Thread.onSpinWait();
        }
    }
}
