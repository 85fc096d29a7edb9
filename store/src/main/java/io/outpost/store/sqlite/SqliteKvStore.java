package io.outpost.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.store.Deleted;
import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.Keys;
import io.outpost.store.KvStore;
import io.outpost.store.RangeRequest;
import io.outpost.store.RangeResult;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;
import io.outpost.store.watch.WatchHub;

/**
 * The embedded default {@link KvStore}: a log-structured table in one SQLite file (WAL mode),
 * in the manner of k3s's kine, durable on acknowledge.
 *
 * <p>Parts: {@link Database} (the file, its lock and schema), {@link Writer} (the one writer
 * thread, group commit), {@link Reader} (reads on a pool of reader connections), a
 * {@link WatchHub} (watches fed by the writer after each commit, replaying history through the
 * reader), {@link Maintenance} (ttl expiry and compaction by policy) and the {@link Checkpointer}
 * (the WAL copied into the file off the write path).
 *
 * <p>Thread model: every method may be called from any thread at once. Only this process writes
 * the file: a second {@link #open} of it, from this process or another, fails.
 */
public final class SqliteKvStore implements KvStore {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteKvStore.class);

    private final SqliteConfig config;
    private final Database db;
    private final Writer writer;
    private final Reader reader;
    private final WatchHub hub;
    private final Maintenance maintenance;
    private final Checkpointer checkpointer;

    private SqliteKvStore(SqliteConfig config, Database db, Connection writeConnection, long revision,
                          long compactRevision) throws SQLException {
        this.config = config;
        this.db = db;
        // The writer publishes to the hub, which replays history through the reader, which reads
        // as of the writer's revision. No write is submitted before open() returns.
        this.writer = new Writer(db, writeConnection, revision, compactRevision, this::publish);
        this.reader = new Reader(db, writer, config.readers());
        this.hub = new WatchHub(revision, reader::history, config.watchBuffer());
        this.maintenance = new Maintenance(this, writer, reader, config.clock(), config.compaction());
        this.checkpointer = new Checkpointer(db, writer);
    }

    /**
     * Opens (or creates) the store in {@code config.file()}.
     *
     * @throws StoreException.Unavailable naming the file and what to do, if it is locked by another
     *                                    process, unreadable or corrupt
     */
    public static SqliteKvStore open(SqliteConfig config) {
        Database db = Database.open(config.file());
        Connection c = null;
        try {
            c = db.connect(false);
            long revision;
            long compactRevision;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT (SELECT COALESCE(MAX(id), 0) FROM kv),"
                         + " (SELECT value FROM meta WHERE name = 'compact_revision')")) {
                rs.next();
                compactRevision = rs.getLong(2);
                // A compaction may have removed the newest row (a tombstone), never a revision.
                revision = Math.max(rs.getLong(1), compactRevision);
            }
            SqliteKvStore store = new SqliteKvStore(config, db, c, revision, compactRevision);
            store.maintenance.start();
            store.checkpointer.start(config.checkpointPeriod());
            LOG.debug("opened {} at revision {} (compacted to {})", config.file(), revision, compactRevision);
            return store;
        } catch (SQLException e) {
            closeQuietly(c);
            db.close();
            throw db.failure("open", e);
        }
    }

    private void publish(List<Event> events) {
        hub.publish(events);
    }

    @Override
    public long currentRevision() {
        return writer.committedRevision();
    }

    @Override
    public long compactRevision() {
        return writer.compactRevision();
    }

    @Override
    public Optional<KeyValue> get(String key, long revision) {
        Keys.checkKey(key);
        checkRevision(revision);
        return reader.get(key, revision);
    }

    @Override
    public RangeResult range(RangeRequest request) {
        return reader.range(request);
    }

    @Override
    public long count(String prefix) {
        return reader.count(Keys.checkPrefix(prefix));
    }

    @Override
    public KeyValue create(String key, byte[] value, Duration ttl) {
        Keys.checkKey(key);
        return (KeyValue) writer.submit(new WriteOp.Create(key, value.clone(), expiry(ttl), new CompletableFuture<>()));
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedRevision, Duration ttl) {
        Keys.checkKey(key);
        checkRevision(expectedRevision);
        return (KeyValue) writer.submit(
                new WriteOp.Update(key, value.clone(), expectedRevision, expiry(ttl), new CompletableFuture<>()));
    }

    @Override
    public Deleted delete(String key, long expectedRevision) {
        Keys.checkKey(key);
        checkRevision(expectedRevision);
        return (Deleted) writer.submit(new WriteOp.Delete(key, expectedRevision, new CompletableFuture<>()));
    }

    @Override
    public Watch watch(String prefix, long afterRevision) {
        // "From now on" is after the committed revision, which reads already see: the hub's own
        // revision lags it while the writer publishes a batch it has just committed.
        return hub.open(prefix, afterRevision == 0 ? writer.committedRevision() : afterRevision);
    }

    @Override
    public void compact(long revision) {
        maintenance.compactTo(revision);
    }

    /** Runs one ttl sweep now; the store also does so every second. */
    int expireDue() {
        return maintenance.expireDue();
    }

    /** Runs one compaction tick now; the store also does so every policy interval. */
    long compactByPolicy() {
        return maintenance.compactByPolicy();
    }

    /** Runs one background checkpoint now; the store also does so every checkpoint period. */
    Checkpointer.Result checkpoint() {
        try {
            return checkpointer.checkpoint();
        } catch (SQLException e) {
            throw db.failure("checkpoint", e);
        }
    }

    public SqliteConfig config() {
        return config;
    }

    /** Stops upkeep, finishes queued writes, ends watches, then releases the file and its lock. */
    @Override
    public void close() {
        maintenance.close();
        checkpointer.close();
        writer.close();
        hub.close();
        reader.close();
        db.close();
    }

    private long expiry(Duration ttl) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative: " + ttl);
        }
        return ttl.isZero() ? 0 : config.clock().millis() + ttl.toMillis();
    }

    private static void checkRevision(long revision) {
        if (revision < 0) {
            throw new IllegalArgumentException("a revision must be 0 or positive, not " + revision);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Already failing; the first error is the one to report.
            }
        }
    }
}
