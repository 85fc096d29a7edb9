package io.outpost.store.etcd;

import static io.outpost.store.etcd.CounterWriter.COUNTERS;
import static io.outpost.store.etcd.CounterWriter.KEYS;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.RangeRequest;
import io.outpost.store.Watch;
import io.outpost.testing.EtcdCluster;
import io.outpost.testing.EtcdProcess;

/**
 * High availability on a real three-member etcd cluster: {@value #WRITERS} writers create keys and
 * increment shared counters through one store connected to every member; midway the leader is
 * killed with SIGKILL. Writing carries on through the other two, and in the end every write a
 * writer knows to be stored is there, byte for byte, and nothing else is: no acknowledged write is
 * lost. Watches open through the kill (one on each member, so one loses its stream) see every
 * write once, in revision order, with no gap.
 *
 * <p>Prints how long writes failed after the kill, and how many were acknowledged.
 */
@Tag("system")
class EtcdClusterTest {

    static final int WRITERS = 8;
    static final int COUNTERS_COUNT = 3;
    static final int WATCHES = 3;
    /** Bounds on the workload: writes acknowledged before the kill, after it, per writer at most. */
    static final int BEFORE_KILL = 300;
    static final int AFTER_KILL = 600;
    static final int MAX_OPERATIONS_PER_WRITER = 2_000;
    /** Only bounds a run that would otherwise hang; a passing run ends well before. */
    static final Duration GUARD = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void writesCarryOnThroughTheLeadersDeathAndNoAcknowledgedWriteIsLost() throws Exception {
        try (EtcdCluster cluster = EtcdCluster.start(dir, 3);
                EtcdKvStore store = EtcdKvStore.connect(
                        new EtcdConfig(cluster.clientUrls(), Duration.ofSeconds(3), 100_000))) {
            Map<String, KeyValue> initial = new HashMap<>();
            for (int c = 0; c < COUNTERS_COUNT; c++) {
                String key = CounterWriter.counterKey(c);
                initial.put(key, store.create(key, CounterWriter.zero(WRITERS).getBytes(UTF_8)));
            }
            long start = store.currentRevision();
            // Consecutive streams go to consecutive members (round robin): one watch per member.
            List<EtcdWatch> watches = new ArrayList<>();
            for (int i = 0; i < WATCHES; i++) {
                watches.add((EtcdWatch) store.watch("/", start));
            }
            List<WatchReader> readers = watches.stream().map(WatchReader::new).toList();
            readers.forEach(r -> Thread.ofPlatform().name("watch-reader").daemon().start(r));

            long deadline = System.nanoTime() + GUARD.toNanos();
            AtomicBoolean stop = new AtomicBoolean();
            List<CounterWriter> writers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                CounterWriter writer = new CounterWriter(store, w, COUNTERS_COUNT, MAX_OPERATIONS_PER_WRITER, stop,
                        deadline);
                writers.add(writer);
                threads.add(Thread.ofVirtual().name("writer-" + w).start(writer));
            }

            await().atMost(GUARD).until(() -> acknowledged(writers, 0) >= BEFORE_KILL);
            EtcdProcess leader = cluster.leader();
            long killedAt = System.nanoTime();
            leader.kill();
            EtcdProcess newLeader = cluster.leader();
            long electedAfter = System.nanoTime() - killedAt;
            await().atMost(GUARD).until(() -> acknowledged(writers, killedAt) >= AFTER_KILL
                    || threads.stream().noneMatch(Thread::isAlive));
            stop.set(true);
            for (Thread t : threads) {
                assertThat(t.join(GUARD)).as("%s ended", t.getName()).isTrue();
            }
            long finalRevision = store.currentRevision();

            // Writing carried on through the survivors.
            assertThat(acknowledged(writers, killedAt)).as("writes acknowledged after the kill").isPositive();
            assertThat(newLeader).isNotEqualTo(leader);

            // Every write a writer knows to be stored is there, and no other.
            Map<String, String> expectedKeys = new HashMap<>();
            Set<String> unknown = new HashSet<>();
            writers.forEach(w -> {
                expectedKeys.putAll(w.created);
                unknown.addAll(w.unknown);
            });
            Map<String, String> storedKeys = new HashMap<>();
            store.range(RangeRequest.all(KEYS)).kvs()
                    .forEach(kv -> storedKeys.put(kv.key(), new String(kv.value(), UTF_8)));
            unknown.forEach(storedKeys::remove);
            assertThat(storedKeys).isEqualTo(expectedKeys);
            for (int c = 0; c < COUNTERS_COUNT; c++) {
                String key = CounterWriter.counterKey(c);
                long[] perWriter = CounterWriter.parse(store.get(key).orElseThrow());
                for (int w = 0; w < WRITERS; w++) {
                    long known = writers.get(w).increments[c];
                    boolean mayHaveOneMore = writers.get(w).unknown.contains(key);
                    assertThat(perWriter[w]).as("increments of %s by writer %d", key, w)
                            .isBetween(known, mayHaveOneMore ? known + 1 : known);
                }
            }

            // Every watch saw every write once, in order, with no gap.
            readers.forEach(r -> r.readThrough(finalRevision));
            for (WatchReader reader : readers) {
                reader.awaitDone(GUARD);
                checkWatch(reader.events, initial, store.range(RangeRequest.all("/")).kvs(), start, finalRevision);
            }
            int resumed = watches.stream().mapToInt(EtcdWatch::resumes).sum();
            assertThat(resumed).as("the watch on the killed leader resumed on another member").isPositive();

            report(writers, killedAt, leader, electedAfter, resumed);
            watches.forEach(Watch::close);
        }
    }

    /**
     * The events of one watch from {@code start} are exactly the writes since: revisions rise
     * strictly (one write each) and leave no gap; each key's events chain (each one's previous value
     * is the one before), from its create to its final value.
     */
    private static void checkWatch(List<Event> events, Map<String, KeyValue> initial, List<KeyValue> finalState,
                                   long start, long finalRevision) {
        assertThat(events).extracting(Event::revision)
                .as("one event per revision from %d to %d", start + 1, finalRevision)
                .containsExactlyElementsOf(LongStream.rangeClosed(start + 1, finalRevision).boxed().toList());
        Map<String, KeyValue> latest = new HashMap<>(initial);
        for (Event e : events) {
            assertThat(e.type()).isEqualTo(Event.Type.PUT);
            KeyValue before = latest.get(e.key());
            if (e.key().startsWith(COUNTERS)) {
                assertThat(e.prev()).as("the previous value of %s at %d", e.key(), e.revision()).isEqualTo(before);
            } else {
                assertThat(e.prev()).isNull();
                assertThat(before).as("%s is created once", e.key()).isNull();
            }
            latest.put(e.key(), e.kv());
        }
        Map<String, KeyValue> stored = new HashMap<>();
        finalState.stream().filter(kv -> latest.containsKey(kv.key())).forEach(kv -> stored.put(kv.key(), kv));
        assertThat(latest).as("the last event of each key is its final value").isEqualTo(stored);
    }

    private static long acknowledged(List<CounterWriter> writers, long startedAfter) {
        // Read while the writers run: a racy count is fine, it only decides when to move on.
        long n = 0;
        for (CounterWriter w : writers) {
            for (CounterWriter.Outcome o : List.copyOf(w.outcomes)) {
                if (o.acknowledged() && o.startNanos() >= startedAfter) {
                    n++;
                }
            }
        }
        return n;
    }

    private static void report(List<CounterWriter> writers, long killedAt, EtcdProcess leader, long electedAfter,
                               int resumed) {
        List<CounterWriter.Outcome> all = writers.stream().flatMap(w -> w.outcomes.stream()).toList();
        long acknowledged = all.stream().filter(CounterWriter.Outcome::acknowledged).count();
        long confirmed = all.size() - acknowledged;
        long firstAfterKill = all.stream()
                .filter(o -> o.acknowledged() && o.startNanos() >= killedAt)
                .mapToLong(o -> o.endNanos() - killedAt).min().orElse(-1);
        long unavailable = writers.stream().mapToLong(w -> w.unavailable).sum();
        long conflicts = writers.stream().mapToLong(w -> w.conflicts).sum();
        long slowestFailure = writers.stream().mapToLong(w -> w.slowestFailureNanos).max().orElse(0);
        System.out.printf("etcd cluster test: killed leader %s; the survivors agreed on a new leader after %d ms;"
                        + " first write started after the kill acknowledged"
                        + " %d ms after it; %d writes acknowledged (%d after the kill), %d more confirmed by a fresh read after"
                        + " Unavailable; %d Unavailable (the slowest after %d ms: a write in flight on a follower when"
                        + " the leader died waits for the request deadline), %d conflicts; watch streams resumed %d times%n",
                leader.name(), TimeUnit.NANOSECONDS.toMillis(electedAfter), TimeUnit.NANOSECONDS.toMillis(firstAfterKill),
                acknowledged,
                acknowledged(writers, killedAt), confirmed, unavailable, TimeUnit.NANOSECONDS.toMillis(slowestFailure),
                conflicts, resumed);
    }

    /** Reads one watch on its own thread until told the last revision, and has read through it. */
    private static final class WatchReader implements Runnable {
        private final Watch watch;
        final List<Event> events = new ArrayList<>();
        private final AtomicLong through = new AtomicLong(Long.MAX_VALUE);
        private volatile boolean done;
        private volatile Throwable failure;

        WatchReader(Watch watch) {
            this.watch = watch;
        }

        void readThrough(long revision) {
            through.set(revision);
        }

        @Override
        public void run() {
            try {
                while (events.isEmpty() || events.getLast().revision() < through.get()) {
                    events.addAll(watch.poll(Duration.ofMillis(200)));
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                done = true;
            }
        }

        void awaitDone(Duration within) {
            await().atMost(within).until(() -> done);
            assertThat(failure).as("the watch failed").isNull();
        }
    }
}
