package io.outpost.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outpost.store.CompactionPolicy;
import io.outpost.store.KeyValue;
import io.outpost.store.StoreException;
import io.outpost.testing.FakeClock;

/** Automatic compaction by policy, and the file staying bounded. Time is a fake clock. */
class SqliteCompactionTest {

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();

    private SqliteKvStore open(CompactionPolicy policy) {
        // interval only drives the background schedule; the tests tick by hand.
        return SqliteKvStore.open(SqliteConfig.defaults(dir.resolve("state.db")).withClock(clock).withCompaction(policy));
    }

    private static CompactionPolicy policy(Duration window, long maxRevisions) {
        return new CompactionPolicy(Duration.ofDays(1), window, maxRevisions);
    }

    @Test
    void historyOlderThanTheWindowIsCompactedAtTheNextTick() {
        try (SqliteKvStore store = open(policy(Duration.ofMinutes(5), 1_000_000))) {
            KeyValue v1 = store.create("/k", new byte[] {1});
            assertThat(store.compactByPolicy()).as("nothing is older than the window yet").isZero();
            clock.advance(Duration.ofMinutes(1));
            KeyValue v2 = store.update("/k", new byte[] {2}, v1.modRevision());
            clock.advance(Duration.ofMinutes(5));
            store.update("/k", new byte[] {3}, v2.modRevision());

            // The first tick sampled revision v1 six minutes ago: that is now outside the window.
            assertThat(store.compactByPolicy()).isEqualTo(v1.modRevision());
            assertThat(store.get("/k", v1.modRevision())).isPresent();
            assertThat(store.watch("/", v1.modRevision()).poll(Duration.ofSeconds(5))).hasSize(2);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void atMostMaxRevisionsOfHistoryAreKeptWhateverTheWindow() {
        try (SqliteKvStore store = open(policy(Duration.ofDays(365), 10))) {
            KeyValue kv = store.create("/k", new byte[0]);
            for (int i = 0; i < 30; i++) {
                kv = store.update("/k", new byte[] {(byte) i}, kv.modRevision());
            }
            long current = store.currentRevision();
            assertThat(store.compactByPolicy()).isEqualTo(current - 10);
            assertThatThrownBy(() -> store.get("/k", current - 11)).isInstanceOf(StoreException.Compacted.class);
            assertThat(store.get("/k", current - 10)).isPresent();
        }
    }

    @Test
    void theFileShrinksBackAfterCompactionOfAWriteHeavyHistory() throws IOException {
        Path file = dir.resolve("state.db");
        byte[] value = new byte[4096];
        try (SqliteKvStore store = open(policy(Duration.ofDays(365), 100))) {
            KeyValue[] kvs = new KeyValue[10];
            for (int i = 0; i < kvs.length; i++) {
                kvs[i] = store.create("/registry/pods/default/p" + i, value);
            }
            for (int round = 0; round < 300; round++) {
                for (int i = 0; i < kvs.length; i++) {
                    value[0] = (byte) round;
                    kvs[i] = store.update(kvs[i].key(), value, kvs[i].modRevision());
                }
            }
            long beforeCompaction = size(file);
            store.compactByPolicy();
            long afterCompaction = size(file);
            // 3,010 revisions of 4 KB were written; 100 revisions (~0.4 MB) are kept.
            assertThat(beforeCompaction).isGreaterThan(10L << 20);
            assertThat(afterCompaction).isLessThan(2L << 20);
            assertThat(store.count("/registry/pods/")).isEqualTo(10);
        }
    }

    private static long size(Path file) throws IOException {
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        return Files.size(file) + (Files.exists(wal) ? Files.size(wal) : 0);
    }
}
