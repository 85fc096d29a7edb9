package io.outpost.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.outpost.store.KeyValue;
import io.outpost.store.KvStore;
import io.outpost.store.StoreException;

/**
 * One writer of {@link EtcdClusterTest}'s workload: it creates keys of its own and increments
 * shared counters by compare-and-set, one operation at a time, each until its outcome is known.
 *
 * <p>A write that fails with {@link StoreException.Unavailable} was not acknowledged but may have
 * been applied, so the writer reads afresh before it retries: a key it finds holding its value, or a
 * counter that already counts its increment, was applied ("confirmed"); otherwise it writes again.
 * A counter's value holds each writer's count of increments ({@code "3,0,7,..."}: its total is the
 * sum), which is what makes an increment recognisable on the fresh read and the retry idempotent.
 *
 * <p>Thread model: {@link #run} on its own thread; the results are read after it has ended.
 */
final class CounterWriter implements Runnable {

    static final String KEYS = "/keys/";
    static final String COUNTERS = "/counters/";

    /** One write whose outcome is known. */
    record Outcome(boolean increment, long startNanos, long endNanos, boolean acknowledged) {
    }

    private final KvStore store;
    private final int id;
    private final int counters;
    private final int maxOperations;
    private final AtomicBoolean stop;
    private final long deadlineNanos;
    private final Random random;

    /** Read by the test while the writer runs. */
    final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    /** Keys this writer knows to be stored, with their values. */
    final Map<String, String> created = new LinkedHashMap<>();
    /** Increments of each counter this writer knows to be stored. */
    final long[] increments;
    /** Writes whose outcome was still unknown at the deadline: a key name or a counter name. */
    final List<String> unknown = new ArrayList<>();
    int unavailable;
    int conflicts;
    /** The longest a write took to fail with {@link StoreException.Unavailable}. */
    long slowestFailureNanos;

    CounterWriter(KvStore store, int id, int counters, int maxOperations, AtomicBoolean stop,
                  long deadlineNanos) {
        this.store = store;
        this.id = id;
        this.counters = counters;
        this.maxOperations = maxOperations;
        this.stop = stop;
        this.deadlineNanos = deadlineNanos;
        this.random = new Random(id);
        this.increments = new long[counters];
    }

    static String counterKey(int counter) {
        return COUNTERS + "c" + counter;
    }

    static String zero(int writers) {
        return format(new long[writers]);
    }

    /** Each writer's increments, from a counter's value. */
    static long[] parse(KeyValue kv) {
        return Arrays.stream(new String(kv.value(), UTF_8).split(",")).mapToLong(Long::parseLong).toArray();
    }

    static String format(long[] perWriter) {
        return Arrays.stream(perWriter).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    @Override
    public void run() {
        for (int op = 0; op < maxOperations && !stop.get() && System.nanoTime() < deadlineNanos; op++) {
            if (random.nextInt(4) == 0) {
                increment(random.nextInt(counters));
            } else {
                create(KEYS + "w" + id + "/" + op, "w" + id + "-" + op + "-" + random.nextLong());
            }
        }
    }

    private void create(String key, String value) {
        long start = System.nanoTime();
        while (System.nanoTime() < deadlineNanos) {
            long attempt = System.nanoTime();
            try {
                store.create(key, value.getBytes(UTF_8));
                known(false, start, true);
                created.put(key, value);
                return;
            } catch (StoreException.AlreadyExists e) { // an earlier, unacknowledged attempt landed late
                requireOwn(key, value, e.existing());
                known(false, start, false);
                created.put(key, value);
                return;
            } catch (StoreException.Unavailable e) {
                failed(attempt);
            }
            Optional<Optional<KeyValue>> found = tryGet(key);
            if (found.isPresent() && found.get().isPresent()) {
                requireOwn(key, value, found.get().get());
                known(false, start, false);
                created.put(key, value);
                return;
            }
        }
        unknown.add(key);
    }

    private void increment(int counter) {
        String key = counterKey(counter);
        long mine = increments[counter] + 1;
        long start = System.nanoTime();
        Optional<KeyValue> current = Optional.empty();
        while (System.nanoTime() < deadlineNanos) {
            if (current.isEmpty()) {
                current = tryGet(key).map(Optional::orElseThrow);
                continue;
            }
            long[] perWriter = parse(current.get());
            if (perWriter[id] >= mine) { // an unacknowledged attempt was applied after all
                increments[counter] = mine;
                known(true, start, false);
                return;
            }
            perWriter[id] = mine;
            long attempt = System.nanoTime();
            try {
                store.update(key, format(perWriter).getBytes(UTF_8), current.get().modRevision());
                increments[counter] = mine;
                known(true, start, true);
                return;
            } catch (StoreException.Conflict e) {
                conflicts++;
                current = Optional.of(e.current());
            } catch (StoreException.Unavailable e) {
                failed(attempt);
                current = Optional.empty();
            }
        }
        unknown.add(key);
    }

    /** A linearizable read; empty if the store was unavailable. */
    private Optional<Optional<KeyValue>> tryGet(String key) {
        try {
            return Optional.of(store.get(key));
        } catch (StoreException.Unavailable e) {
            unavailable++;
            return Optional.empty();
        }
    }

    private static void requireOwn(String key, String value, KeyValue found) {
        String stored = new String(found.value(), UTF_8);
        if (!stored.equals(value)) {
            throw new AssertionError(key + " holds " + stored + ", which this writer never wrote (it wrote " + value + ")");
        }
    }

    private void failed(long attemptStart) {
        unavailable++;
        slowestFailureNanos = Math.max(slowestFailureNanos, System.nanoTime() - attemptStart);
    }

    private void known(boolean increment, long start, boolean acknowledged) {
        outcomes.add(new Outcome(increment, start, System.nanoTime(), acknowledged));
    }
}
