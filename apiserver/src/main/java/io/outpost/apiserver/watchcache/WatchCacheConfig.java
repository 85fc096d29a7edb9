package io.outpost.apiserver.watchcache;

import java.time.Clock;
import java.time.Duration;

import io.outpost.store.KvStore;

/**
 * What the watch caches need.
 *
 * @param store          the store every cache lists and watches
 * @param clock          deadlines of waits for freshness (tests advance a fake clock)
 * @param pollInterval   how long a dispatcher or a waiting caller blocks before it looks at the
 *                       clock (and the store's revision) again; a real-time bound, unlike the clock
 * @param ringCapacity   how many recent events each cache keeps for watches that resume from a
 *                       resourceVersion (kube-apiserver keeps 100 to 100,000, by resource)
 * @param watcherBuffer  how many events one watcher may have waiting before it is closed for
 *                       falling behind
 * @param freshnessWait  how long a request for a resourceVersion newer than the cache waits for
 *                       the cache to catch up before it fails (kube: 3 s)
 */
public record WatchCacheConfig(KvStore store, Clock clock, Duration pollInterval, int ringCapacity,
                               int watcherBuffer, Duration freshnessWait) {

    public WatchCacheConfig {
        if (ringCapacity < 1 || watcherBuffer < 1) {
            throw new IllegalArgumentException("ringCapacity and watcherBuffer must be at least 1");
        }
        if (pollInterval.isNegative() || pollInterval.isZero() || freshnessWait.isNegative()) {
            throw new IllegalArgumentException("pollInterval must be positive and freshnessWait not negative");
        }
    }
}
