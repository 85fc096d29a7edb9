package io.outpost.controllers.daemonset;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * kube's {@code flowcontrol.Backoff} as the DaemonSet controller uses it for Failed pods
 * ({@code failedPodsBackoff}: 1 s, doubling to 15 min, per DaemonSet and node): a node whose
 * daemon pod keeps failing gets a new one ever less often. An entry not touched for twice the
 * maximum starts over.
 *
 * <p>Thread model: workers of different DaemonSets call it at once; every method is atomic.
 */
final class FailedPodBackoff implements NodePlan.Backoff {

    static final Duration INITIAL = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofMinutes(15);

    private record Entry(Duration backoff, Instant lastUpdate) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> entries = new HashMap<>();

    @Override
    public Duration remaining(String key, Instant now) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            if (e == null || expired(e, now)) {
                return null;
            }
            Duration since = Duration.between(e.lastUpdate(), now);
            return since.compareTo(e.backoff()) < 0 ? e.backoff().minus(since) : null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void next(String key, Instant now) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            Duration backoff = e == null || expired(e, now) ? INITIAL
                    : e.backoff().multipliedBy(2).compareTo(MAX) > 0 ? MAX : e.backoff().multipliedBy(2);
            entries.put(key, new Entry(backoff, now));
        } finally {
            lock.unlock();
        }
    }

    /** Drops entries idle for more than twice the maximum (kube's {@code GC}), so deleted nodes do not pile up. */
    void gc(Instant now) {
        lock.lock();
        try {
            entries.values().removeIf(e -> expired(e, now));
        } finally {
            lock.unlock();
        }
    }

    private static boolean expired(Entry e, Instant now) {
        return Duration.between(e.lastUpdate(), now).compareTo(MAX.multipliedBy(2)) > 0;
    }
}
