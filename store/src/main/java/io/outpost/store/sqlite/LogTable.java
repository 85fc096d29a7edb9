package io.outpost.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import io.outpost.store.KeyValue;

/**
 * The writer's statements on the log table, prepared once on the write connection.
 *
 * <p>Thread model: used only by the writer thread, inside its transaction.
 */
final class LogTable implements AutoCloseable {

    /** The latest row of a key: a live value, or a tombstone. */
    record Latest(KeyValue kv, boolean deleted) {
    }

    private final PreparedStatement latest;
    private final PreparedStatement insert;
    private final PreparedStatement compactReplaced;
    private final PreparedStatement compactTombstones;
    private final PreparedStatement setCompactRevision;

    LogTable(Connection c) throws SQLException {
        latest = c.prepareStatement(
                "SELECT id, create_revision, deleted, value FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1");
        insert = c.prepareStatement(
                "INSERT INTO kv (id, name, create_revision, prev_revision, deleted, expires_at, value) VALUES (?, ?, ?, ?, ?, ?, ?)");
        compactReplaced = c.prepareStatement(
                "DELETE FROM kv WHERE id IN (SELECT prev_revision FROM kv WHERE id > ? AND id <= ? AND prev_revision > 0)");
        compactTombstones = c.prepareStatement("DELETE FROM kv WHERE id > ? AND id <= ? AND deleted = 1");
        setCompactRevision = c.prepareStatement("UPDATE meta SET value = ? WHERE name = 'compact_revision'");
    }

    /** The key's latest row, or null if it never existed (or its history was compacted away). */
    Latest latest(String key) throws SQLException {
        latest.setString(1, key);
        try (ResultSet rs = latest.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            byte[] value = rs.getBytes(4);
            return new Latest(new KeyValue(key, value == null ? new byte[0] : value, rs.getLong(2), rs.getLong(1)),
                    rs.getInt(3) != 0);
        }
    }

    void insert(long revision, String key, long createRevision, long prevRevision, boolean deleted, long expiresAt,
                byte[] value) throws SQLException {
        insert.setLong(1, revision);
        insert.setString(2, key);
        insert.setLong(3, createRevision);
        insert.setLong(4, prevRevision);
        insert.setInt(5, deleted ? 1 : 0);
        insert.setLong(6, expiresAt);
        insert.setBytes(7, value);
        insert.executeUpdate();
    }

    /**
     * Deletes the rows replaced by a row in {@code (from, to]} and the tombstones there. Rows above
     * {@code to} keep the rows they replaced, so every event after the compact revision still has
     * its previous value.
     *
     * @return how many rows were deleted
     */
    int compact(long from, long to) throws SQLException {
        compactReplaced.setLong(1, from);
        compactReplaced.setLong(2, to);
        int deleted = compactReplaced.executeUpdate();
        compactTombstones.setLong(1, from);
        compactTombstones.setLong(2, to);
        deleted += compactTombstones.executeUpdate();
        setCompactRevision.setLong(1, to);
        setCompactRevision.executeUpdate();
        return deleted;
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement s : new PreparedStatement[] {latest, insert, compactReplaced, compactTombstones, setCompactRevision}) {
            s.close();
        }
    }
}
