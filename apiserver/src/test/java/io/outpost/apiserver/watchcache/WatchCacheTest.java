package io.outpost.apiserver.watchcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.outpost.apiserver.storage.Versioned;
import io.outpost.store.KvStore;
import io.outpost.store.memory.InMemoryKvStore;
import io.outpost.testing.FakeClock;

/**
 * The cache driven step by step: the test calls {@link WatchCache#dispatchOnce} itself (no
 * dispatcher thread), so every event is applied before the test looks.
 */
class WatchCacheTest {

    private static final String CONFIGMAPS = "/registry/core/configmaps/";

    private final FakeClock clock = new FakeClock();
    private KvStore kv = new InMemoryKvStore(clock);
    private WatchCache cache;

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    private WatchCache cache(int ring, int watcherBuffer, Duration freshnessWait) throws InterruptedException {
        cache = new WatchCache(new WatchCacheConfig(kv, clock, Duration.ofMillis(1), ring, watcherBuffer, freshnessWait), CONFIGMAPS);
        drain();
        return cache;
    }

    /** Applies every event the store has published, then one quiet poll (which records progress). */
    private void drain() throws InterruptedException {
        while (cache.dispatchOnce()) {
            // next step
        }
    }

    private long put(String namespace, String name) {
        String key = CONFIGMAPS + namespace + "/" + name;
        byte[] value = ("{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + namespace + "\"}}").getBytes(StandardCharsets.UTF_8);
        return kv.get(key).map(old -> kv.update(key, value, old.modRevision())).orElseGet(() -> kv.create(key, value)).modRevision();
    }

    private CacheWatcher opened(WatchCache.Opening opening) {
        assertThat(opening).isInstanceOf(WatchCache.Opened.class);
        return ((WatchCache.Opened) opening).watcher();
    }

    private static List<String> summaries(CacheWatcher.Delivery d) {
        assertThat(d).isInstanceOf(CacheWatcher.Events.class);
        return ((CacheWatcher.Events) d).events().stream()
                .map(e -> e.type() + " " + e.object().path("metadata").path("name").asString() + "@" + e.revision()).toList();
    }

    @Test
    void aWatchFromARevisionInTheRingReplaysTheEventsAfterIt() throws Exception {
        long a = put("default", "a");
        long b = put("default", "b");
        long a2 = put("default", "a");
        cache(100, 10, Duration.ZERO);
        CacheWatcher w = opened(cache.watch(CONFIGMAPS, a, o -> true));
        assertThat(summaries(w.poll(Duration.ZERO))).containsExactly("ADDED b@" + b, "MODIFIED a@" + a2);
        long c = put("default", "c");
        drain();
        assertThat(summaries(w.poll(Duration.ZERO))).containsExactly("ADDED c@" + c);
    }

    @Test
    void aWatchFromBeforeTheRingIsTooOldWithTheRingsOldestRevision() throws Exception {
        for (int i = 0; i < 4; i++) {
            put("default", "c" + i);
        }
        long current = kv.currentRevision();
        cache(2, 10, Duration.ZERO);
        assertThat(cache.watch(CONFIGMAPS, current - 3, o -> true)).isEqualTo(new WatchCache.TooOld(current - 3, current - 2));
        opened(cache.watch(CONFIGMAPS, current - 2, o -> true)).close();
        put("default", "more");
        drain();
        assertThat(cache.watch(CONFIGMAPS, current - 2, o -> true)).isEqualTo(new WatchCache.TooOld(current - 2, current - 1));
    }

    @Test
    void aRevisionTheCacheHasNotReachedIsTooNewOnceTheWaitIsOver() throws Exception {
        cache(10, 10, Duration.ZERO);
        long current = kv.currentRevision();
        assertThat(cache.watch(CONFIGMAPS, current + 5, o -> true)).isEqualTo(new WatchCache.TooNew(current + 5, current));
        assertThat(cache.snapshot(CONFIGMAPS, current + 5)).isEmpty();
    }

    @Test
    void fromNoRevisionAWatchStartsWithTheSelectedObjectsOfItsNamespaceAsAdded() throws Exception {
        long a = put("default", "a");
        put("default", "b");
        put("other", "c");
        cache(10, 10, Duration.ZERO);
        CacheWatcher w = opened(cache.watch(CONFIGMAPS + "default/", -1,
                o -> o.path("metadata").path("name").asString().equals("a")));
        assertThat(summaries(w.poll(Duration.ZERO))).containsExactly("ADDED a@" + a);
    }

    @Test
    void aWatcherThatDoesNotKeepUpIsEndedWhileAFastOneGetsEveryEvent() throws Exception {
        cache(100, 2, Duration.ZERO);
        CacheWatcher fast = opened(cache.watch(CONFIGMAPS, kv.currentRevision(), o -> true));
        CacheWatcher slow = opened(cache.watch(CONFIGMAPS, kv.currentRevision(), o -> true));
        for (int i = 0; i < 3; i++) {
            long rv = put("default", "c" + i);
            drain();
            assertThat(summaries(fast.poll(Duration.ZERO))).containsExactly("ADDED c" + i + "@" + rv);
        }
        assertThat(slow.poll(Duration.ZERO)).isInstanceOfSatisfying(CacheWatcher.Ended.class,
                e -> assertThat(e.reason()).isEqualTo(CacheWatcher.Reason.FELL_BEHIND));
        assertThat(cache.watcherCount()).isEqualTo(1);
        assertThat(fast.buffered()).isZero();
    }

    @Test
    void aQuietResourceStillAdvancesTheProgressItsWatchersMayBookmark() throws Exception {
        put("default", "a");
        cache(10, 10, Duration.ZERO);
        CacheWatcher w = opened(cache.watch(CONFIGMAPS, kv.currentRevision(), o -> true));
        long secret = kv.create("/registry/core/secrets/default/s", "{}".getBytes(StandardCharsets.UTF_8)).modRevision();
        drain();
        assertThat(cache.revision()).isEqualTo(secret);
        assertThat(w.poll(Duration.ZERO)).isEqualTo(new CacheWatcher.Events(List.of(), secret));
    }

    @Test
    void whenTheStoreWatchFailsTheWatchersExpireAndTheCacheListsAgain() throws Exception {
        kv = new InMemoryKvStore(clock, 2);
        put("default", "a");
        cache(100, 100, Duration.ZERO);
        CacheWatcher w = opened(cache.watch(CONFIGMAPS, kv.currentRevision(), o -> true));
        for (int i = 0; i < 5; i++) {
            put("default", "c" + i); // the store drops the cache's watch: it fell behind its buffer of 2
        }
        drain();
        assertThat(w.poll(Duration.ZERO)).isInstanceOfSatisfying(CacheWatcher.Ended.class, e -> {
            assertThat(e.reason()).isEqualTo(CacheWatcher.Reason.EXPIRED);
            assertThat(e.message()).startsWith("too old resource version: ");
        });
        drain();
        assertThat(cache.snapshot(CONFIGMAPS, kv.currentRevision()).orElseThrow().items())
                .extracting(Versioned::key).containsExactly(CONFIGMAPS + "default/a", CONFIGMAPS + "default/c0",
                        CONFIGMAPS + "default/c1", CONFIGMAPS + "default/c2", CONFIGMAPS + "default/c3", CONFIGMAPS + "default/c4");
        CacheWatcher again = opened(cache.watch(CONFIGMAPS, kv.currentRevision(), o -> true));
        long rv = put("default", "after");
        drain();
        assertThat(summaries(again.poll(Duration.ZERO))).containsExactly("ADDED after@" + rv);
    }

    @Test
    void aSnapshotHoldsTheObjectsOfOneNamespaceAtTheCachesRevision() throws Exception {
        put("default", "a");
        put("other", "b");
        put("default", "c");
        cache(10, 10, Duration.ZERO);
        WatchCache.Snapshot s = cache.snapshot(CONFIGMAPS + "default/", 0).orElseThrow();
        assertThat(s.items()).extracting(Versioned::key).containsExactly(CONFIGMAPS + "default/a", CONFIGMAPS + "default/c");
        assertThat(s.revision()).isEqualTo(kv.currentRevision());
    }
}
