package io.outpost.store.sqlite;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import io.outpost.store.CompactionPolicy;

/**
 * How to open a SQLite store.
 *
 * @param file        the database file; its folder must exist. A lock file {@code FILE.lock}
 *                    beside it keeps a second process out
 * @param clock       the time for TTL expiry and the compaction window
 * @param compaction  how much history to keep
 * @param readers     how many reader connections (and platform threads) serve reads
 * @param watchBuffer how many events a watcher may have waiting before it is dropped
 * @param checkpointPeriod how often the WAL is copied into the database file, in the background
 *                    ({@link Checkpointer}); {@link Duration#ZERO} never (tests run it by hand)
 */
public record SqliteConfig(Path file, Clock clock, CompactionPolicy compaction, int readers, int watchBuffer,
                           Duration checkpointPeriod) {

    public SqliteConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(compaction, "compaction");
        if (readers < 1) {
            throw new IllegalArgumentException("readers must be at least 1");
        }
        if (watchBuffer < 1) {
            throw new IllegalArgumentException("watchBuffer must be at least 1");
        }
        if (checkpointPeriod.isNegative()) {
            throw new IllegalArgumentException("checkpointPeriod must not be negative");
        }
    }

    public static SqliteConfig defaults(Path file) {
        return new SqliteConfig(file, Clock.systemUTC(), CompactionPolicy.DEFAULT, 4, 10_000, Checkpointer.PERIOD);
    }

    public SqliteConfig withClock(Clock newClock) {
        return new SqliteConfig(file, newClock, compaction, readers, watchBuffer, checkpointPeriod);
    }

    public SqliteConfig withCompaction(CompactionPolicy newCompaction) {
        return new SqliteConfig(file, clock, newCompaction, readers, watchBuffer, checkpointPeriod);
    }

    public SqliteConfig withCheckpointPeriod(Duration newPeriod) {
        return new SqliteConfig(file, clock, compaction, readers, watchBuffer, newPeriod);
    }

    /** With {@code n} reader connections: a node agent's store is read by a handful of threads, not an API server's clients. */
    public SqliteConfig withReaders(int n) {
        return new SqliteConfig(file, clock, compaction, n, watchBuffer, checkpointPeriod);
    }

    public SqliteConfig withWatchBuffer(int newWatchBuffer) {
        return new SqliteConfig(file, clock, compaction, readers, newWatchBuffer, checkpointPeriod);
    }
}
