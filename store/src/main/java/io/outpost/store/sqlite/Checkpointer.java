package io.outpost.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the WAL into the database file on a thread and connection of its own, so that no write
 * waits for it.
 *
 * <p>SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages, on the
 * committing connection: that commit (and every write queued behind it on our one writer thread)
 * waits while the pages are copied and the file is fsynced, hundreds of milliseconds on a slow
 * disk. The writer turns it off ({@code wal_autocheckpoint = 0}); this class runs a
 * {@code PASSIVE} checkpoint every period instead, which copies what no reader still needs and
 * never blocks the writer or a reader. When a checkpoint has copied the whole WAL, it tells the
 * writer, whose next transaction starts the WAL again from its beginning, so it stays small.
 *
 * <p>Durability is unchanged: a commit is durable once the WAL is fsynced; the checkpoint fsyncs
 * the WAL before copying and the database file before the WAL may be reused
 * ({@code synchronous = FULL} on this connection too).
 *
 * <p>Thread model: one platform thread (JNI); {@link #checkpoint} may also be called by tests.
 * Every checkpoint, and the writer's WAL truncation after a compaction, runs under the writer's
 * {@link Writer#checkpointLock()}.
 */
final class Checkpointer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    /** The default period: at most a second's worth of writes waits in the WAL. */
    static final Duration PERIOD = Duration.ofSeconds(1);

    /** One checkpoint's answer: SQLite's {@code wal_checkpoint} row. */
    record Result(boolean busy, long walFrames, long copiedFrames) {
    }

    private final Database db;
    private final Writer writer;
    private final Connection connection;
    private final ScheduledExecutorService scheduler;

    Checkpointer(Database db, Writer writer) throws SQLException {
        this.db = db;
        this.writer = writer;
        this.connection = db.connectForCheckpoints();
        this.scheduler = new ScheduledThreadPoolExecutor(1,
                r -> Thread.ofPlatform().name("outpost-sqlite-checkpoint").daemon().unstarted(r));
    }

    /** Runs a checkpoint every {@code period}; zero never. */
    void start(Duration period) {
        if (!period.isZero()) {
            scheduler.scheduleWithFixedDelay(this::quietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One passive checkpoint, now. */
    Result checkpoint() throws SQLException {
        writer.checkpointLock().lock();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
            Result result = new Result(rs.getInt(1) != 0, rs.getLong(2), rs.getLong(3));
            if (!result.busy() && result.walFrames() > 0 && result.copiedFrames() == result.walFrames()) {
                writer.walCopied();
            }
            return result;
        } finally {
            writer.checkpointLock().unlock();
        }
    }

    private void quietly() {
        try {
            checkpoint();
        } catch (SQLException e) {
            LOG.warn("checkpointing {} failed; the WAL grows until the next try: {}", db.file(), e.getMessage());
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
        writer.checkpointLock().lock();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the checkpoint connection of {}: {}", db.file(), e.getMessage());
        } finally {
            writer.checkpointLock().unlock();
        }
    }
}
