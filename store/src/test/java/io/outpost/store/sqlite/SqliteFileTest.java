package io.outpost.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outpost.store.CompactionPolicy;
import io.outpost.store.KeyValue;
import io.outpost.store.RangeRequest;
import io.outpost.store.StoreException;

/** What the SQLite store does with its file: reopen, lock, corruption. */
class SqliteFileTest {

    @TempDir
    Path dir;

    private SqliteConfig config() {
        return SqliteConfig.defaults(dir.resolve("state.db")).withCompaction(CompactionPolicy.DISABLED);
    }

    @Test
    void aReopenedStoreHasEveryWriteAndContinuesTheRevisions() {
        long last;
        try (SqliteKvStore store = SqliteKvStore.open(config())) {
            store.create("/registry/a", "1".getBytes(UTF_8));
            KeyValue b = store.create("/registry/b", "2".getBytes(UTF_8));
            store.update("/registry/b", "3".getBytes(UTF_8), b.modRevision());
            last = store.delete("/registry/a").revision();
        }
        try (SqliteKvStore store = SqliteKvStore.open(config())) {
            assertThat(store.currentRevision()).isEqualTo(last);
            assertThat(store.range(RangeRequest.all("/registry/")).kvs())
                    .extracting(kv -> new String(kv.value(), UTF_8)).containsExactly("3");
            assertThat(store.create("/registry/c", new byte[0]).modRevision()).isEqualTo(last + 1);
        }
    }

    @Test
    void aRevisionIsNeverReusedAfterTheNewestRowWasCompactedAway() {
        long deletedAt;
        try (SqliteKvStore store = SqliteKvStore.open(config())) {
            store.create("/k", new byte[] {1});
            deletedAt = store.delete("/k").revision();
            store.compact(deletedAt); // removes the tombstone: the newest row
        }
        try (SqliteKvStore store = SqliteKvStore.open(config())) {
            assertThat(store.currentRevision()).isEqualTo(deletedAt);
            assertThat(store.create("/k", new byte[] {2}).modRevision()).isEqualTo(deletedAt + 1);
        }
    }

    @Test
    void aSecondOpenOfTheSameFileFailsNamingTheFileAndTheFix() {
        try (SqliteKvStore first = SqliteKvStore.open(config())) {
            assertThatThrownBy(() -> SqliteKvStore.open(config()))
                    .isInstanceOf(StoreException.Unavailable.class)
                    .hasMessageContaining(dir.resolve("state.db").toString())
                    .hasMessageContaining("in use by another process")
                    .hasMessageContaining("--data-dir");
            assertThat(first.create("/still/works", new byte[0]).modRevision()).isPositive();
        }
        try (SqliteKvStore again = SqliteKvStore.open(config())) {
            assertThat(again.get("/still/works")).isPresent();
        }
    }

    @Test
    void aFileThatIsNotADatabaseFailsToOpenNamingTheFile() throws IOException {
        Files.writeString(dir.resolve("state.db"), "this is not a database, it is a shopping list ".repeat(200));
        assertThatThrownBy(() -> SqliteKvStore.open(config()))
                .isInstanceOf(StoreException.Unavailable.class)
                .hasMessageContaining(dir.resolve("state.db").toString())
                .hasMessageContaining("move it aside");
        // The failed open released the lock: a good file opens afterwards.
        Files.delete(dir.resolve("state.db"));
        SqliteKvStore.open(config()).close();
    }

    @Test
    void aDatabaseWithADamagedPageFailsToOpenNamingTheFile() throws IOException {
        try (SqliteKvStore store = SqliteKvStore.open(config())) {
            for (int i = 0; i < 200; i++) {
                store.create("/registry/k" + i, new byte[1000]);
            }
        }
        Path file = dir.resolve("state.db");
        byte[] bytes = Files.readAllBytes(file);
        // Scribble over the second half of the file, past the header: b-tree pages of the log.
        for (int i = bytes.length / 2; i < bytes.length; i += 7) {
            bytes[i] = (byte) 0xA5;
        }
        Files.write(file, bytes);
        assertThatThrownBy(() -> SqliteKvStore.open(config()))
                .isInstanceOf(StoreException.Unavailable.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("corrupt");
    }

    @Test
    void aMissingFolderFailsNamingIt() {
        SqliteConfig inMissing = SqliteConfig.defaults(dir.resolve("no/such/folder/state.db"));
        assertThatThrownBy(() -> SqliteKvStore.open(inMissing))
                .isInstanceOf(StoreException.Unavailable.class)
                .hasMessageContaining("no/such/folder")
                .hasMessageContaining("does not exist");
    }

    @Test
    void commitsLeaveTheWalToTheCheckpointerWhichCopiesItAllSoTheWalStartsAgain() {
        SqliteConfig manual = config().withCheckpointPeriod(java.time.Duration.ZERO);
        try (SqliteKvStore store = SqliteKvStore.open(manual)) {
            byte[] value = new byte[4096];
            for (int i = 0; i < 1_500; i++) { // ~1,500 pages: past SQLite's automatic checkpoint at 1,000
                store.create("/registry/big/" + i, value);
            }
            Checkpointer.Result first = store.checkpoint();
            // No commit copied the WAL on its own: all of it was still there for the checkpointer.
            assertThat(first.walFrames()).isGreaterThan(1_500);
            assertThat(first.copiedFrames()).isEqualTo(first.walFrames());
            assertThat(first.busy()).isFalse();

            // The writer's next transaction sees a WAL wholly copied and writes from its start again.
            store.create("/registry/small", new byte[] {1});
            assertThat(store.checkpoint().walFrames()).isLessThan(10);
        }
        try (SqliteKvStore store = SqliteKvStore.open(manual)) {
            assertThat(store.count("/registry/big/")).isEqualTo(1_500);
        }
    }
}
