package io.outpost.store.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;

import io.outpost.store.CompactionPolicy;
import io.outpost.store.KvStore;
import io.outpost.store.KvStoreContract;
import io.outpost.testing.FakeClock;

/**
 * The SQLite store passes the contract: each store in a new file, time a fake clock, expiry and
 * compaction only when a test asks (automatic compaction off; the once-a-second expiry sweep
 * sees only the fake clock).
 */
class SqliteKvStoreTest extends KvStoreContract {

    private final FakeClock clock = new FakeClock();
    private final List<SqliteKvStore> stores = new ArrayList<>();
    private final Path dir;

    SqliteKvStoreTest() throws IOException {
        dir = Files.createTempDirectory("outpost-sqlite-contract");
    }

    @Override
    protected KvStore newStore() {
        return newStoreWithWatchBuffer(10_000);
    }

    @Override
    protected KvStore newStoreWithWatchBuffer(int events) {
        SqliteConfig config = SqliteConfig.defaults(dir.resolve("store-" + stores.size() + ".db"))
                .withClock(clock)
                .withCompaction(CompactionPolicy.DISABLED)
                .withWatchBuffer(events);
        SqliteKvStore store = SqliteKvStore.open(config);
        stores.add(store);
        return store;
    }

    @Override
    protected void expireAfter(Duration ttl) {
        clock.advance(ttl.plusMillis(1));
        stores.forEach(SqliteKvStore::expireDue);
    }

    /** The suite has closed every store by now; their files go. */
    @AfterEach
    void deleteFiles() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
