package io.outpost.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

/**
 * Many writers at once ({@link KvStore}'s thread model: every method from any thread at once):
 * compare-and-set loses no update, and no two writes share a revision.
 */
abstract class ConcurrencyContract extends ContractSection {

    static final int THREADS = 8;
    static final int PER_THREAD = 25;

    ConcurrencyContract(KvStoreContract backend) {
        super(backend);
    }

    @Test
    void concurrentCompareAndSetIncrementsLoseNoUpdateAndShareNoRevision() throws Exception {
        KeyValue start = store.create("/counter", bytes("0"));
        ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
        try (Watch watch = store.watch("/counter", start.modRevision())) {
            runTogether(() -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    acknowledged.add(increment("/counter").modRevision());
                }
                return null;
            });

            int total = THREADS * PER_THREAD;
            assertThat(acknowledged).as("one acknowledged revision per increment, none shared")
                    .hasSize(total).doesNotHaveDuplicates();
            assertThat(text(store.get("/counter").orElseThrow())).isEqualTo(Integer.toString(total));
            long last = store.currentRevision();
            assertThat(acknowledged).containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(start.modRevision() + 1, last).boxed().toList());
            // The watch saw every increment once, in revision order, each replacing the one before.
            List<Event> events = pollThrough(watch, last);
            assertThat(events).extracting(Event::revision)
                    .containsExactlyElementsOf(LongStream.rangeClosed(start.modRevision() + 1, last).boxed().toList());
            assertThat(events).extracting(e -> text(e.kv()))
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, total).mapToObj(Long::toString).toList());
        }
    }

    /** kube-apiserver's GuaranteedUpdate: retry with the value a Conflict carries, without another read. */
    private KeyValue increment(String key) {
        KeyValue current = store.get(key).orElseThrow();
        while (true) {
            long next = Long.parseLong(new String(current.value(), UTF_8)) + 1;
            try {
                return store.update(key, bytes(Long.toString(next)), current.modRevision());
            } catch (StoreException.Conflict e) {
                assertThat(e.current()).as("a conflict on a live key carries its value").isNotNull();
                assertThat(e.current().modRevision()).isGreaterThan(current.modRevision());
                current = e.current();
            }
        }
    }

    @Test
    void concurrentCreatesOfOneKeyHaveExactlyOneWinnerAndTheOthersSeeItsValue() throws Exception {
        ConcurrentLinkedQueue<KeyValue> won = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<KeyValue> seenByLosers = new ConcurrentLinkedQueue<>();

        runTogether(() -> {
            try {
                won.add(store.create("/k", bytes(Thread.currentThread().getName())));
            } catch (StoreException.AlreadyExists e) {
                seenByLosers.add(e.existing());
            }
            return null;
        });

        assertThat(won).hasSize(1);
        assertThat(seenByLosers).hasSize(THREADS - 1).containsOnly(won.peek());
        assertThat(store.get("/k")).contains(won.peek());
    }

    @Test
    void concurrentWritesToDifferentKeysTakeEveryRevisionOnce() throws Exception {
        long base = store.currentRevision();
        ConcurrentLinkedQueue<Long> revisions = new ConcurrentLinkedQueue<>();

        runTogether(() -> {
            String me = Thread.currentThread().getName();
            KeyValue kv = store.create("/keys/" + me, bytes("0"));
            revisions.add(kv.modRevision());
            for (int i = 1; i < PER_THREAD; i++) {
                kv = store.update(kv.key(), bytes(Integer.toString(i)), kv.modRevision());
                revisions.add(kv.modRevision());
            }
            revisions.add(store.delete(kv.key(), kv.modRevision()).revision());
            return null;
        });

        long total = THREADS * (PER_THREAD + 1L);
        assertThat(revisions).containsExactlyInAnyOrderElementsOf(
                LongStream.rangeClosed(base + 1, base + total).boxed().toList());
        assertThat(store.currentRevision()).isEqualTo(base + total);
        assertThat(store.count("/keys/")).isZero();
    }

    @Test
    void watchesOpenedWhileWritesAreInFlightSeeEveryLaterEventOnceInOrder() throws Exception {
        KeyValue first = store.create("/w/k", bytes("0"));
        record Opened(Watch watch, long after, long currentBefore, long currentAfter) {
        }
        List<Opened> opened = new ArrayList<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            KeyValue kv = first;
            for (int i = 1; i <= THREADS * PER_THREAD; i++) {
                kv = store.update("/w/k", bytes(Integer.toString(i)), kv.modRevision());
            }
        });
        try {
            // Half from a recent past revision (replay, then live), half from now; the writer does not wait.
            for (int i = 0; writer.isAlive() && i < 40; i++) {
                long before = store.currentRevision();
                long after = i % 2 == 0 ? Math.max(first.modRevision(), before - 3) : 0;
                opened.add(new Opened(store.watch("/w/", after), after, before, store.currentRevision()));
            }
            writer.join();
            // One more write, so that every watch has at least one event to wait for.
            long end = store.create("/w/end", bytes("end")).modRevision();

            for (Opened o : opened) {
                List<Long> seen = pollThrough(o.watch(), end).stream().map(Event::revision).toList();
                if (o.after() == 0) {
                    assertThat(seen.getFirst()).as("a watch from now starts after the revision current when asked")
                            .isBetween(o.currentBefore() + 1, o.currentAfter() + 1);
                }
                long from = o.after() == 0 ? seen.getFirst() : o.after() + 1;
                assertThat(seen).as("the revisions seen by a watch after %d (opened at %d..%d)", o.after(),
                        o.currentBefore(), o.currentAfter())
                        .containsExactlyElementsOf(LongStream.rangeClosed(from, end).boxed().toList());
            }
        } finally {
            writer.join();
            opened.forEach(o -> o.watch().close());
        }
    }

    /**
     * Runs {@code task} on {@link #THREADS} platform threads released together; rethrows the first
     * failure. The wait is only a guard against a deadlocked backend.
     */
    private static void runTogether(Callable<Void> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            for (Future<Void> f : done) {
                try {
                    f.get(2, TimeUnit.MINUTES);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error; // an assertion that failed on a writer thread
                    }
                    throw (Exception) e.getCause();
                } catch (TimeoutException e) {
                    throw new AssertionError("a writer has not finished in 2 minutes: deadlock?", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
