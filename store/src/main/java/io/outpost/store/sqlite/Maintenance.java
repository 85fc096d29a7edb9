package io.outpost.store.sqlite;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.store.CompactionPolicy;
import io.outpost.store.KeyValue;
import io.outpost.store.StoreException;

/**
 * Background upkeep of a SQLite store: deletes keys whose ttl ran out, and compacts history by
 * the {@link CompactionPolicy} so that the log, and the file, stay bounded.
 *
 * <p>Like kube-apiserver, it samples the current revision at every compaction tick; the window
 * bound compacts to the newest sample at least {@code window} old, the count bound to
 * {@code maxRevisions} behind the current revision, whichever is further. After a compaction the
 * freed pages go back to the file system (incremental vacuum) and the WAL is truncated.
 *
 * <p>Thread model: one platform thread runs both tasks on a schedule; tests call
 * {@link #expireDue} and {@link #compactByPolicy} directly, after advancing a fake clock. Both are
 * safe to run at once with each other and with writes: deletions are compare-and-set on the
 * revision that expired, and compactions are serialised by a lock.
 */
final class Maintenance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
    /** Compact at most this many revisions per transaction, so writers wait only briefly. */
    static final long COMPACT_CHUNK = 2_000;

    private record Sample(Instant at, long revision) {
    }

    private final SqliteKvStore store;
    private final Writer writer;
    private final Reader reader;
    private final Clock clock;
    private final CompactionPolicy policy;
    private final ReentrantLock compacting = new ReentrantLock();
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final ScheduledExecutorService scheduler;

    Maintenance(SqliteKvStore store, Writer writer, Reader reader, Clock clock, CompactionPolicy policy) {
        this.store = store;
        this.writer = writer;
        this.reader = reader;
        this.clock = clock;
        this.policy = policy;
        this.scheduler = new ScheduledThreadPoolExecutor(1,
                r -> Thread.ofPlatform().name("outpost-sqlite-maintenance").daemon().unstarted(r));
    }

    void start() {
        scheduler.scheduleWithFixedDelay(() -> quietly("expire keys", this::expireDue), 1, 1, TimeUnit.SECONDS);
        if (policy.enabled()) {
            long every = policy.interval().toMillis();
            scheduler.scheduleWithFixedDelay(() -> quietly("compact", this::compactByPolicy), every, every,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Deletes the keys whose ttl has run out; returns how many. */
    int expireDue() {
        int n = 0;
        for (KeyValue due : reader.expired(clock.millis())) {
            try {
                store.delete(due.key(), due.modRevision());
                n++;
            } catch (StoreException.Conflict | StoreException.NotFound e) {
                // Rewritten or deleted since: the new write decides its own expiry.
            }
        }
        return n;
    }

    /** Takes this tick's sample and compacts to what the policy allows; returns the compact revision. */
    long compactByPolicy() {
        compacting.lock();
        try {
            long current = writer.committedRevision();
            Instant now = clock.instant();
            samples.addLast(new Sample(now, current));
            Instant cutoff = now.minus(policy.window());
            long byWindow = 0;
            while (!samples.isEmpty() && !samples.peekFirst().at().isAfter(cutoff)) {
                byWindow = samples.removeFirst().revision();
            }
            long target = Math.max(byWindow, current - policy.maxRevisions());
            if (target > writer.compactRevision()) {
                compactTo(target);
            }
            return writer.compactRevision();
        } finally {
            compacting.unlock();
        }
    }

    /** Compacts in chunks of {@link #COMPACT_CHUNK} revisions, then reclaims the freed space. */
    void compactTo(long target) {
        compacting.lock();
        try {
            long from = writer.compactRevision();
            if (target > writer.committedRevision()) {
                throw new IllegalArgumentException("cannot compact to revision " + target
                        + ": it is in the future (current revision " + writer.committedRevision() + ")");
            }
            if (target <= from) {
                throw new StoreException.Compacted(target, from);
            }
            while (from < target) {
                long to = Math.min(target, from + COMPACT_CHUNK);
                writer.submit(new WriteOp.Compact(from, to, new CompletableFuture<>()));
                from = to;
            }
            // A step at a time, so writes go on between the steps; each returns the pages left.
            for (int step = 0; step < 100_000; step++) {
                if ((long) writer.submit(new WriteOp.Reclaim(new CompletableFuture<>())) == 0) {
                    break;
                }
            }
        } finally {
            compacting.unlock();
        }
    }

    private void quietly(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed; retrying on the next tick: {}", what, e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
