package io.outpost.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.RangeRequest;
import io.outpost.store.RangeResult;
import io.outpost.store.StoreException;

/**
 * Reads, each as of one revision, on a small pool of reader connections.
 *
 * <p>Every query filters {@code id <= R} for the revision R it reads at, so one statement sees a
 * consistent snapshot whatever commits meanwhile. A compaction past R during the query could
 * remove rows it needed; so the compact revision is checked after the query too, and the read
 * fails with {@link StoreException.Compacted} rather than return a wrong answer.
 *
 * <p>Thread model: callers on any thread, virtual or platform, hand the query to one of
 * {@code readers} platform threads, each owning one read-only WAL connection (sqlite-jdbc's JNI
 * would pin a virtual thread), and wait for the answer.
 */
final class Reader implements AutoCloseable {

    private static final String LATEST_AT = "(SELECT MAX(l.id) FROM kv l WHERE l.name = k.name AND l.id <= ?)";

    private final Database db;
    private final Writer writer;
    private final ExecutorService pool;
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();
    private final Queue<Connection> connections = new ConcurrentLinkedQueue<>();

    Reader(Database db, Writer writer, int readers) {
        this.db = db;
        this.writer = writer;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(readers, readers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> Thread.ofPlatform().name("outpost-sqlite-reader-" + n.incrementAndGet()).daemon().unstarted(r));
    }

    Optional<KeyValue> get(String key, long asked) {
        long at = revision(asked);
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, create_revision, deleted, value FROM kv WHERE name = ? AND id <= ? ORDER BY id DESC LIMIT 1")) {
                s.setString(1, key);
                s.setLong(2, at);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next() || rs.getInt(3) != 0) {
                        return Optional.<KeyValue>empty();
                    }
                    return Optional.of(new KeyValue(key, bytes(rs, 4), rs.getLong(2), rs.getLong(1)));
                }
            }
        }, at);
    }

    RangeResult range(RangeRequest request) {
        long at = revision(request.revision());
        List<KeyValue> kvs = query(c -> {
            String sql = "SELECT k.name, k.value, k.create_revision, k.id FROM kv k"
                    + " WHERE k.name >= ? AND k.name < ? AND k.id <= ? AND k.deleted = 0 AND k.id = " + LATEST_AT
                    + " ORDER BY k.name" + (request.limit() > 0 ? " LIMIT ?" : "");
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, request.fromKey());
                s.setString(2, request.toKey());
                s.setLong(3, at);
                s.setLong(4, at);
                if (request.limit() > 0) {
                    s.setInt(5, request.limit() + 1);
                }
                List<KeyValue> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new KeyValue(rs.getString(1), bytes(rs, 2), rs.getLong(3), rs.getLong(4)));
                    }
                }
                return out;
            }
        }, at);
        boolean more = request.limit() > 0 && kvs.size() > request.limit();
        return new RangeResult(more ? kvs.subList(0, request.limit()) : kvs, at, more);
    }

    long count(String prefix) {
        long at = writer.committedRevision();
        RangeRequest all = RangeRequest.all(prefix);
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM kv k"
                    + " WHERE k.name >= ? AND k.name < ? AND k.id <= ? AND k.deleted = 0 AND k.id = " + LATEST_AT)) {
                s.setString(1, all.fromKey());
                s.setString(2, all.toKey());
                s.setLong(3, at);
                s.setLong(4, at);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }, at);
    }

    /** The events of {@code (after, upTo]} under a prefix, each with its previous value. */
    List<Event> history(String prefix, long after, long upTo, int limit) {
        checkNotCompacted(after);
        RangeRequest all = RangeRequest.all(prefix);
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT k.id, k.name, k.create_revision, k.deleted, k.value, p.id, p.create_revision, p.value"
                            + " FROM kv k LEFT JOIN kv p ON p.id = k.prev_revision AND p.deleted = 0"
                            + " WHERE k.id > ? AND k.id <= ? AND k.name >= ? AND k.name < ? ORDER BY k.id LIMIT ?")) {
                s.setLong(1, after);
                s.setLong(2, upTo);
                s.setString(3, all.fromKey());
                s.setString(4, all.toKey());
                s.setInt(5, limit);
                List<Event> events = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String key = rs.getString(2);
                        long revision = rs.getLong(1);
                        long prevRevision = rs.getLong(6);
                        KeyValue prev = rs.wasNull() ? null : new KeyValue(key, bytes(rs, 8), rs.getLong(7), prevRevision);
                        events.add(rs.getInt(4) != 0 ? Event.delete(revision, prev)
                                : Event.put(new KeyValue(key, bytes(rs, 5), rs.getLong(3), revision), prev));
                    }
                }
                return events;
            }
        }, after);
    }

    /** Keys whose ttl ran out by {@code now}, each with the revision to delete it at. */
    List<KeyValue> expired(long now) {
        long at = writer.committedRevision();
        return query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT k.name, k.id FROM kv k"
                    + " WHERE k.expires_at > 0 AND k.expires_at <= ? AND k.deleted = 0 AND k.id = " + LATEST_AT)) {
                s.setLong(1, now);
                s.setLong(2, at);
                List<KeyValue> due = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        due.add(new KeyValue(rs.getString(1), new byte[0], 0, rs.getLong(2)));
                    }
                }
                return due;
            }
        }, 0);
    }

    private long revision(long asked) {
        long current = writer.committedRevision();
        if (asked == 0) {
            return current;
        }
        if (asked > current) {
            throw new IllegalArgumentException("revision " + asked + " is in the future (current revision " + current + ")");
        }
        checkNotCompacted(asked);
        return asked;
    }

    private void checkNotCompacted(long revision) {
        long compacted = writer.compactRevision();
        if (revision < compacted) {
            throw new StoreException.Compacted(revision, compacted);
        }
    }

    @FunctionalInterface
    private interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code q} on a reader thread; then fails if history before {@code needs} was compacted meanwhile. */
    private <T> T query(Query<T> q, long needs) {
        Future<T> answer;
        try {
            answer = pool.submit(() -> q.run(connection()));
        } catch (RejectedExecutionException e) {
            throw new StoreException.Unavailable("the store " + db.file() + " is closed");
        }
        T result;
        try {
            result = answer.get();
        } catch (InterruptedException e) {
            answer.cancel(false);
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted while reading " + db.file(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException se) {
                throw db.failure("read", se);
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException.Unavailable("reading " + db.file() + " failed: " + cause, cause);
        }
        if (needs > 0) {
            checkNotCompacted(needs);
        }
        return result;
    }

    private Connection connection() throws SQLException {
        Connection c = connection.get();
        if (c == null) {
            c = db.connect(true);
            connection.set(c);
            connections.add(c);
        }
        return c;
    }

    private static byte[] bytes(ResultSet rs, int column) throws SQLException {
        byte[] b = rs.getBytes(column);
        return b == null ? new byte[0] : b;
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Closing a read-only connection loses nothing.
            }
        }
    }
}
