package io.outpost.store.sqlite;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import io.outpost.store.StoreException;

/**
 * The database file: its lock, its connections, its schema, and how its errors read.
 *
 * <p>The log table follows k3s's kine: one row per revision (the row id is the revision), with
 * the key's create revision, the revision it replaced and a tombstone mark. A tombstone carries no
 * value; the deleted value is its previous row. Compaction deletes the rows that a later row at or
 * below the compact revision replaced, and tombstones at or below it.
 *
 * <p>Thread model: opened once by {@link SqliteKvStore}; each connection it makes is then owned by
 * one thread (the writer, or one reader).
 */
final class Database implements AutoCloseable {

    private static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS kv (
          id              INTEGER PRIMARY KEY,
          name            TEXT    NOT NULL,
          create_revision INTEGER NOT NULL,
          prev_revision   INTEGER NOT NULL,
          deleted         INTEGER NOT NULL,
          expires_at      INTEGER NOT NULL,
          value           BLOB
        )""",
        "CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id)",
        "CREATE INDEX IF NOT EXISTS kv_expiring ON kv (expires_at) WHERE expires_at > 0",
        "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        "INSERT OR IGNORE INTO meta (name, value) VALUES ('compact_revision', 0)",
    };

    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private Database(Path file, FileChannel lockChannel, FileLock lock) {
        this.file = file;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Takes the lock file, then opens and checks the database, creating it if absent.
     *
     * @throws StoreException.Unavailable naming the file and the cause if it is locked by another
     *                                    process, unreadable or corrupt
     */
    static Database open(Path file) {
        ensureFolder(file);
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException.Unavailable("cannot open the lock file " + lockFile + ": " + e.getMessage()
                    + "; check that its folder exists and is writable", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException | IOException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new StoreException.Unavailable("the database " + file + " is in use by another process (it holds "
                    + lockFile + "); stop that outpost server or use another --data-dir");
        }
        Database db = new Database(file, channel, lock);
        try (Connection c = db.connect(false)) {
            db.check(c);
            return db;
        } catch (SQLException e) {
            db.close();
            throw db.failure("open", e);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private void check(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
                String verdict = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(verdict)) {
                    throw new StoreException.Unavailable("the database " + file + " is corrupt (quick_check: "
                            + verdict + "); restore it from a backup, or move it aside to start empty");
                }
            }
            for (String ddl : SCHEMA) {
                s.execute(ddl);
            }
        }
    }

    /**
     * A new connection. The writer's (the only one that writes) puts the file in WAL mode, with
     * {@code synchronous = FULL}: a commit returns only after the WAL is fsynced, so an
     * acknowledged write survives a crash or power loss. Its transactions begin IMMEDIATE, taking
     * the write lock before their first read. A reader's connection is query-only and sets nothing
     * in the file: a reader that wrote (even a pragma) would invalidate the writer's snapshot.
     */
    Connection connect(boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        if (!readOnly) {
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        try (Statement s = c.createStatement()) {
            if (readOnly) {
                s.execute("PRAGMA query_only = true");
            } else {
                // Lets compaction give pages back to the file system. It takes effect only on a
                // new file, before the switch to WAL writes the header; an existing file keeps its mode.
                s.execute("PRAGMA auto_vacuum = INCREMENTAL");
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = FULL");
                s.execute("PRAGMA journal_size_limit = 67108864");
                // The Checkpointer copies the WAL in the background; a commit never does.
                s.execute("PRAGMA wal_autocheckpoint = 0");
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * The {@link Checkpointer}'s connection: it runs checkpoints only, never a statement that
     * writes, and syncs as the writer does so that the database file is on disk before the WAL
     * is reused.
     */
    Connection connectForCheckpoints() throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(1_000);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA synchronous = FULL");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    Path file() {
        return file;
    }

    /** What a failed statement means to the user: always names the file. */
    StoreException failure(String doing, SQLException e) {
        String code = e instanceof SQLiteException se ? primary(se.getResultCode()) : "";
        String hint = switch (code) {
            case "SQLITE_CORRUPT", "SQLITE_NOTADB" -> "; the file is corrupt or not a database: restore it from a backup, or move it aside to start empty";
            case "SQLITE_FULL" -> "; the disk is full: free space, then retry";
            case "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM" -> "; check the file's permissions and that its folder exists";
            case "SQLITE_BUSY", "SQLITE_LOCKED" -> "; another process is using the file";
            default -> "";
        };
        return new StoreException.Unavailable("cannot " + doing + " the database " + file + ": " + e.getMessage() + hint, e);
    }

    private static String primary(SQLiteErrorCode code) {
        // Extended codes (SQLITE_IOERR_FSYNC...) map to their primary code's name.
        for (SQLiteErrorCode c : SQLiteErrorCode.values()) {
            if (c.code == (code.code & 0xff)) {
                return c.name();
            }
        }
        return code.name();
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // The lock goes with the channel anyway.
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing to do: the process releases it on exit.
        }
    }

    private static void ensureFolder(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new StoreException.Unavailable("the folder of the database " + file + " does not exist; create it first");
        }
    }
}
