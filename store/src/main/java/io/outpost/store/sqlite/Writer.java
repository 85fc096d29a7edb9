package io.outpost.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.outpost.store.Deleted;
import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.StoreException;

/**
 * The one thread that writes the database, with group commit.
 *
 * <p>Callers {@link #submit} a {@link WriteOp} and wait. The writer takes every op waiting (up to
 * {@link #MAX_BATCH}), applies them in one transaction, each with the next revision, commits (one
 * fsync of the WAL for the whole batch), then publishes the events and completes the futures. So
 * a write is acknowledged only when it is on disk, and eight concurrent writers cost about one
 * fsync per eight writes. An op that fails its precondition (AlreadyExists, Conflict, NotFound)
 * fails alone; an SQL failure rolls the whole batch back and fails every op in it, unacknowledged.
 *
 * <p>Thread model: {@link #submit} from any thread; everything else on the writer thread, a
 * platform thread because sqlite-jdbc's JNI calls would pin a virtual one. The queue is bounded:
 * when the disk cannot keep up, submitters block instead of piling up memory.
 */
final class Writer implements AutoCloseable {

    static final int MAX_BATCH = 512;
    private static final WriteOp STOP = new WriteOp.Reclaim(new CompletableFuture<>());

    private final Database db;
    private final Connection connection;
    private final LogTable table;
    private final Consumer<List<Event>> onCommit;
    private final BlockingQueue<WriteOp> queue = new LinkedBlockingQueue<>(16 * MAX_BATCH);
    private final Thread thread;
    private volatile long committedRevision;
    private volatile long compactRevision;
    private final ReentrantLock submitLock = new ReentrantLock();
    private boolean closing;
    private volatile boolean walCopied;
    /** Held by whoever checkpoints: the {@link Checkpointer}, or this writer truncating the WAL. */
    private final java.util.concurrent.locks.ReentrantLock checkpointLock = new java.util.concurrent.locks.ReentrantLock();

    Writer(Database db, Connection connection, long revision, long compactRevision, Consumer<List<Event>> onCommit)
            throws SQLException {
        this.db = db;
        this.connection = connection;
        this.table = new LogTable(connection);
        this.onCommit = onCommit;
        this.committedRevision = revision;
        this.compactRevision = compactRevision;
        connection.setAutoCommit(false);
        this.thread = Thread.ofPlatform().name("outpost-sqlite-writer").daemon().start(this::run);
    }

    /** The revision of the latest committed write: what a read sees. */
    long committedRevision() {
        return committedRevision;
    }

    long compactRevision() {
        return compactRevision;
    }

    /** Queues {@code op} and waits until it is committed (or has failed). */
    Object submit(WriteOp op) {
        try {
            enqueue(op);
            return op.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted while writing to " + db.file()
                    + "; the write may or may not have been applied", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException.Unavailable("write to " + db.file() + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Every op is queued before {@link #STOP}, so the writer answers each one. */
    private void enqueue(WriteOp op) throws InterruptedException {
        submitLock.lock();
        try {
            if (closing) {
                throw new StoreException.Unavailable("the store " + db.file() + " is closed");
            }
            queue.put(op);
        } finally {
            submitLock.unlock();
        }
    }

    private void run() {
        List<WriteOp> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.remove(STOP);
            restartWalIfCopied();
            apply(batch);
            batch.clear();
            if (stop) {
                break;
            }
        }
        failPending();
    }

    /** The lock every checkpoint of this file runs under. */
    java.util.concurrent.locks.ReentrantLock checkpointLock() {
        return checkpointLock;
    }

    /** Set by the {@link Checkpointer} when a checkpoint has copied the whole WAL. */
    void walCopied() {
        walCopied = true;
    }

    /**
     * The driver begins the next transaction as soon as one commits, so the writer's transaction
     * always predates the latest checkpoint and SQLite never writes the WAL from its start again.
     * After a complete checkpoint, the open (empty) transaction is rolled back and begun anew:
     * its first write then restarts the WAL, which stays small.
     */
    private void restartWalIfCopied() {
        if (walCopied) {
            walCopied = false;
            rollback();
        }
    }

    private void apply(List<WriteOp> batch) {
        long startRevision = committedRevision;
        long revision = startRevision;
        long compacted = compactRevision;
        List<Event> events = new ArrayList<>(batch.size());
        List<Object> results = new ArrayList<>(batch.size());
        try {
            for (WriteOp op : batch) {
                Object result;
                try {
                    result = switch (op) {
                        case WriteOp.Create c -> create(c, ++revision, events);
                        case WriteOp.Update u -> update(u, ++revision, events);
                        case WriteOp.Delete d -> delete(d, ++revision, events);
                        case WriteOp.Compact c -> {
                            compacted = c.to();
                            yield table.compact(c.from(), c.to());
                        }
                        case WriteOp.Reclaim r -> 0;
                    };
                } catch (StoreException e) {
                    revision = events.isEmpty() ? startRevision : events.getLast().revision();
                    result = e;
                }
                results.add(result);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            rollback();
            StoreException failure = e instanceof SQLException se ? db.failure("write to", se)
                    : new StoreException.Unavailable("write to " + db.file() + " failed: " + e, e);
            batch.forEach(op -> op.result().completeExceptionally(failure));
            return;
        }
        committedRevision = revision;
        compactRevision = compacted;
        onCommit.accept(events);
        long reclaimLeft = reclaimIfAsked(batch);
        for (int i = 0; i < batch.size(); i++) {
            WriteOp op = batch.get(i);
            if (results.get(i) instanceof StoreException e) {
                op.result().completeExceptionally(e);
            } else {
                op.result().complete(op instanceof WriteOp.Reclaim ? (Object) reclaimLeft : results.get(i));
            }
        }
    }

    private KeyValue create(WriteOp.Create c, long revision, List<Event> events) throws SQLException {
        LogTable.Latest current = table.latest(c.key());
        if (current != null && !current.deleted()) {
            throw new StoreException.AlreadyExists(current.kv());
        }
        table.insert(revision, c.key(), revision, current == null ? 0 : current.kv().modRevision(), false,
                c.expiresAt(), c.value());
        KeyValue kv = new KeyValue(c.key(), c.value(), revision, revision);
        events.add(Event.put(kv, null));
        return kv;
    }

    private KeyValue update(WriteOp.Update u, long revision, List<Event> events) throws SQLException {
        KeyValue current = matching(u.key(), u.expectedRevision(), false);
        table.insert(revision, u.key(), current.createRevision(), current.modRevision(), false, u.expiresAt(), u.value());
        KeyValue kv = new KeyValue(u.key(), u.value(), current.createRevision(), revision);
        events.add(Event.put(kv, current));
        return kv;
    }

    private Deleted delete(WriteOp.Delete d, long revision, List<Event> events) throws SQLException {
        KeyValue current = matching(d.key(), d.expectedRevision(), true);
        table.insert(revision, d.key(), current.createRevision(), current.modRevision(), true, 0, null);
        events.add(Event.delete(revision, current));
        return new Deleted(revision, current);
    }

    /** The key's live value if it is at {@code expectedRevision} (or, for a delete, 0: any). */
    private KeyValue matching(String key, long expectedRevision, boolean zeroIsAny) throws SQLException {
        LogTable.Latest current = table.latest(key);
        if (current == null || current.deleted()) {
            throw new StoreException.NotFound(key);
        }
        if (!(zeroIsAny && expectedRevision == 0) && current.kv().modRevision() != expectedRevision) {
            throw new StoreException.Conflict(key, expectedRevision, current.kv());
        }
        return current.kv();
    }

    /** At most this many pages go back to the file system per batch, so writes wait briefly. */
    static final int RECLAIM_PAGES = 1_000;

    /**
     * After a compaction's commit: gives up to {@link #RECLAIM_PAGES} freed pages back to the file
     * system in a transaction of its own; once none are left, truncates the WAL (a checkpoint cannot
     * run inside a transaction). The checkpoint waits at most 100 ms for readers: it must not stall
     * writes behind a busy reader, and the next compaction tries again.
     *
     * @return the free pages still left (0 when done), for the {@link WriteOp.Reclaim} ops of the batch
     */
    private long reclaimIfAsked(List<WriteOp> batch) {
        if (batch.stream().noneMatch(op -> op instanceof WriteOp.Reclaim)) {
            return 0;
        }
        try {
            long left;
            try (Statement s = connection.createStatement();
                 PreparedStatement vacuum = connection.prepareStatement("PRAGMA incremental_vacuum")) {
                // sqlite-jdbc steps this pragma once per execute, and each step frees one page.
                long free = freePages(s);
                for (long i = 0; i < Math.min(free, RECLAIM_PAGES); i++) {
                    vacuum.execute();
                }
                left = freePages(s);
            }
            connection.commit();
            if (left == 0) {
                connection.setAutoCommit(true);
                // Not while the Checkpointer copies: the two would refuse each other (SQLITE_BUSY)
                // and the WAL would stay at its largest until the next compaction.
                checkpointLock.lock();
                try (Statement s = connection.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 100");
                    s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                    s.execute("PRAGMA busy_timeout = 10000");
                } finally {
                    checkpointLock.unlock();
                    connection.setAutoCommit(false);
                }
            }
            return left;
        } catch (SQLException e) {
            rollback();
            // Space is reclaimed on the next try; the data is unaffected.
            org.slf4j.LoggerFactory.getLogger(Writer.class).warn("reclaiming space in {} failed: {}", db.file(), e.getMessage());
            return 0;
        }
    }

    private static long freePages(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA freelist_count")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The transaction is abandoned with the connection state; nothing was acknowledged.
        }
    }

    private void failPending() {
        List<WriteOp> left = new ArrayList<>();
        queue.drainTo(left);
        StoreException closed = new StoreException.Unavailable("the store " + db.file() + " is closed");
        left.forEach(op -> op.result().completeExceptionally(closed));
    }

    /** Finishes the ops already queued, then stops the thread and closes the connection. */
    @Override
    public void close() {
        try {
            submitLock.lock();
            try {
                if (closing) {
                    return;
                }
                closing = true;
                queue.put(STOP);
            } finally {
                submitLock.unlock();
            }
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.interrupt();
        }
        try {
            table.close();
            connection.close();
        } catch (SQLException e) {
            org.slf4j.LoggerFactory.getLogger(Writer.class).warn("closing {} failed: {}", db.file(), e.getMessage());
        }
    }
}
