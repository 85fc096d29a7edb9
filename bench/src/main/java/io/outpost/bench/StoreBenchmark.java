package io.outpost.bench;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.KvStore;
import io.outpost.store.Watch;

/**
 * Durable writes, reads and watch delivery of each {@link KvStore} backend, side by side, with
 * values of Kubernetes objects' sizes (1–10 KB, uniformly). Run by {@link StoreBench} at 1, 8 and
 * 64 threads.
 *
 * <ul>
 *   <li>{@code write}: each thread compare-and-set updates its own 16 keys in turn (as controllers
 *       update their objects): one durable write per op.</li>
 *   <li>{@code read}: a get of one of 1,024 keys, at random.</li>
 *   <li>{@code watchLatency}: the time from the start of a write until a watcher of its prefix
 *       receives the event (the write's own latency included).</li>
 * </ul>
 *
 * <p>Last measured (2026-11-25, 2 cores, JDK 25; ops/s, medians of the run, other builds running
 * on the machine, so the error bars are wide): 8 writers: SQLite 5,800–13,200 durable writes/s,
 * etcd 2,600–2,700 (SQLite 2.1–5.1× etcd); 1 writer: SQLite 3,900–5,300, etcd 950–1,970; reads at
 * 8 threads: SQLite 66,000–95,000, etcd 5,900–8,000; watch latency (write start to event):
 * SQLite median 145–150 µs, p99 0.3–2.9 ms; etcd median 0.55–0.93 ms, p99 3.5–6.5 ms.
 */
public class StoreBenchmark {

    static final int READ_KEYS = 1024;

    static byte[] objectSized(SplittableRandom random) {
        byte[] value = new byte[1024 + random.nextInt(9 * 1024)];
        random.nextBytes(value);
        return value;
    }

    @State(Scope.Benchmark)
    public static class Store {
        @Param({"sqlite", "etcd"})
        public String backend;

        Backend running;
        final AtomicInteger threads = new AtomicInteger();

        @Setup(Level.Trial)
        public void start() {
            running = Backend.start(backend);
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < READ_KEYS; i++) {
                running.store.create("/registry/configmaps/bench/read-" + i, objectSized(random));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            running.close();
        }
    }

    @State(Scope.Thread)
    public static class Writer {
        final SplittableRandom random = new SplittableRandom();
        KeyValue[] own = new KeyValue[16];
        byte[][] values = new byte[8][];
        int next;

        @Setup(Level.Trial)
        public void start(Store store) {
            int thread = store.threads.incrementAndGet();
            for (int i = 0; i < values.length; i++) {
                values[i] = objectSized(random);
            }
            for (int i = 0; i < own.length; i++) {
                own[i] = store.running.store.create("/registry/pods/bench/t" + thread + "-" + i, values[0]);
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long write(Store store, Writer w) {
        int i = w.next++ & (w.own.length - 1);
        w.own[i] = store.running.store.update(w.own[i].key(), w.values[w.next & (w.values.length - 1)], w.own[i].modRevision());
        return w.own[i].modRevision();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public Object read(Store store, Reader r) {
        return store.running.store.get("/registry/configmaps/bench/read-" + r.random.nextInt(READ_KEYS));
    }

    @State(Scope.Thread)
    public static class Reader {
        final SplittableRandom random = new SplittableRandom();
    }

    @State(Scope.Thread)
    public static class Watcher {
        Watch watch;
        KeyValue key;
        byte[] value;

        @Setup(Level.Trial)
        public void start(Store store) {
            value = objectSized(new SplittableRandom(7));
            key = store.running.store.create("/registry/leases/watched/lease", value);
            watch = store.running.store.watch("/registry/leases/watched/", key.modRevision());
        }

        @TearDown(Level.Trial)
        public void stop() {
            watch.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long watchLatency(Store store, Watcher w) throws InterruptedException {
        w.key = store.running.store.update(w.key.key(), w.value, w.key.modRevision());
        while (true) {
            List<Event> events = w.watch.poll(Duration.ofSeconds(10));
            if (events.isEmpty()) {
                throw new IllegalStateException("no event within 10 s of revision " + w.key.modRevision());
            }
            if (events.getLast().revision() >= w.key.modRevision()) {
                return events.getLast().revision();
            }
        }
    }
}
