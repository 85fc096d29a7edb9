package io.outpost.apiserver.watchcache;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.storage.Versioned;
import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.RangeRequest;
import io.outpost.store.RangeResult;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;
import tools.jackson.databind.node.ObjectNode;

/**
 * The current objects of one resource and its recent events, kept from one store watch, serving
 * lists and watches (kube-apiserver's {@code Cacher} and {@code watchCache}, simplified).
 *
 * <ul>
 *   <li>Start: a paged range of the resource prefix at revision
 *       {@code max(compactRevision, current - ringCapacity)}, then the store watch from that
 *       revision, whose replay fills the ring; so a cache opened lazily can still resume the
 *       watches the store could have resumed.</li>
 *   <li>Every store event updates the state, goes into the {@link EventRing} and is offered to
 *       each {@link CacheWatcher} that wants it; a watcher whose buffer is full is ended, never
 *       waited for.</li>
 *   <li>When the store watch fails (Compacted, Unavailable: dropped for falling behind, the store
 *       failed) the cache ends every watcher with {@link CacheWatcher.Reason#EXPIRED} (their
 *       clients get 410 and re-list, as kube's do) and starts again from a new list.</li>
 *   <li>Progress: when a poll of {@link WatchCacheConfig#pollInterval()} brings nothing, the
 *       cache's revision advances to the store revision read before that poll, so bookmarks and
 *       waits for freshness move while the resource is quiet (kube uses etcd's progress notify).
 *       This relies on the store publishing a committed write to its watches within a poll
 *       interval, which both backends do (the writer publishes right after it commits).</li>
 * </ul>
 *
 * <p>Thread model: one dispatcher thread per cache runs {@link #run} (started by
 * {@link WatchCaches}); it alone touches the store watch. Requests call {@link #watch} and
 * {@link #snapshot} on their own threads. One {@link ReentrantLock} guards the state, the ring and
 * the watcher list; the dispatcher offers to watchers under it, which never blocks (their buffers
 * are bounded and refuse instead of waiting). Waits for freshness use the injected clock, checking
 * it every poll interval.
 */
public final class WatchCache implements AutoCloseable {

    /** The objects under a key prefix at {@code revision}, in key order. The trees are shared: read only. */
    public record Snapshot(List<Versioned> items, long revision) {
    }

    /** What {@link #watch} did. */
    public sealed interface Opening permits Opened, TooOld, TooNew {
    }

    public record Opened(CacheWatcher watcher) implements Opening {
    }

    /** The revision asked for is older than the ring: 410 {@code too old resource version: requested (oldest)}. */
    public record TooOld(long requested, long oldest) implements Opening {
    }

    /** The cache did not reach the revision asked for in time (or is re-listing): 504. */
    public record TooNew(long requested, long current) implements Opening {
    }

    private static final int LIST_PAGE = 500;

    private final WatchCacheConfig config;
    private final String prefix;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TreeMap<String, Versioned> state = new TreeMap<>();
    private final List<CacheWatcher> watchers = new ArrayList<>();
    private EventRing ring;
    private long revision;
    private boolean ready;
    /** The store revision when the cache last (re)started: snapshots wait until the cache has replayed to it. */
    private long startedAt;
    private volatile boolean closed;
    /** The dispatcher's; null while (re)starting. */
    private Watch storeWatch;

    WatchCache(WatchCacheConfig config, String prefix) {
        this.config = config;
        this.prefix = prefix;
    }

    /**
     * Opens a watch of the objects under {@code keyPrefix} that {@code filter} selects (an event is
     * delivered if the object matches before or after it). {@code after} &lt; 0: first a synthetic
     * ADDED for each current object; otherwise the events after revision {@code after}, waiting
     * up to {@link WatchCacheConfig#freshnessWait()} for the cache to reach it.
     */
    public Opening watch(String keyPrefix, long after, Predicate<ObjectNode> filter) throws InterruptedException {
        lock.lock();
        try {
            if (!awaitLocked(Math.max(after, 0))) {
                return new TooNew(after, revision);
            }
            List<CachedEvent> first = new ArrayList<>();
            if (after < 0) {
                for (Versioned v : state.subMap(keyPrefix, true, keyPrefix + Character.MAX_VALUE, false).values()) {
                    if (filter.test(v.object())) {
                        first.add(new CachedEvent(CachedEvent.Type.ADDED, v.key(), v.object(), null, v.revision()));
                    }
                }
            } else if (after < ring.startRevision()) {
                return new TooOld(after, ring.startRevision());
            }
            CacheWatcher w = new CacheWatcher(keyPrefix, filter, config.watcherBuffer(), first, revision, this::deregister);
            if (after >= 0) {
                for (CachedEvent e : ring.after(after)) {
                    if (w.wants(e)) {
                        first.add(e);
                    }
                }
            }
            watchers.add(w);
            return new Opened(w);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The objects under {@code keyPrefix} once the cache has reached {@code atLeast} (0: any
     * revision), waiting up to {@link WatchCacheConfig#freshnessWait()}; empty if it did not.
     */
    public java.util.Optional<Snapshot> snapshot(String keyPrefix, long atLeast) throws InterruptedException {
        lock.lock();
        try {
            // A new cache lists at an older revision (for its ring) and replays to the present: a
            // snapshot waits for the present it started at, or a list right after a create would miss it.
            if (!awaitLocked(Math.max(atLeast, startedAt))) {
                return java.util.Optional.empty();
            }
            var items = new ArrayList<>(state.subMap(keyPrefix, true, keyPrefix + Character.MAX_VALUE, false).values());
            return java.util.Optional.of(new Snapshot(items, revision));
        } finally {
            lock.unlock();
        }
    }

    /** The revision the cache has reached (0 before its first list). */
    public long revision() {
        lock.lock();
        try {
            return revision;
        } finally {
            lock.unlock();
        }
    }

    /** Waits, holding the lock between checks, until the cache is ready at {@code atLeast}; false at the deadline. */
    private boolean awaitLocked(long atLeast) throws InterruptedException {
        Instant deadline = config.clock().instant().plus(config.freshnessWait());
        while (!closed && !(ready && revision >= atLeast)) {
            if (!config.clock().instant().isBefore(deadline)) {
                return false;
            }
            changed.awaitNanos(config.pollInterval().toNanos());
        }
        return !closed;
    }

    private void deregister(CacheWatcher w) {
        lock.lock();
        try {
            watchers.remove(w);
        } finally {
            lock.unlock();
        }
    }

    /** The dispatcher loop; returns when the cache is closed. */
    void run() {
        try {
            while (!closed) {
                boolean progressed;
                try {
                    progressed = dispatchOnce();
                } catch (RuntimeException e) {
                    if (closed) {
                        return; // close() closed the store watch under a poll
                    }
                    restart(e); // a bug or bad data: start again from a list
                    progressed = false;
                }
                if (!progressed && !isReady()) {
                    backOff(); // the store failed: do not spin while it stays down
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One step of the dispatcher: (re)starts the cache if it is not ready, else applies one poll of
     * the store watch. Returns whether it made progress (listed, or applied events). A store
     * failure restarts the cache; it is not thrown.
     */
    boolean dispatchOnce() throws InterruptedException {
        try {
            if (storeWatch == null) {
                start();
                return true;
            }
            long before = config.store().currentRevision();
            List<Event> events = storeWatch.poll(config.pollInterval());
            apply(events, before);
            return !events.isEmpty();
        } catch (StoreException.Compacted | StoreException.Unavailable e) {
            restart(e);
            return false;
        }
    }

    private boolean isReady() {
        lock.lock();
        try {
            return ready;
        } finally {
            lock.unlock();
        }
    }

    private void backOff() throws InterruptedException {
        lock.lock();
        try {
            changed.awaitNanos(config.pollInterval().toNanos());
        } finally {
            lock.unlock();
        }
    }

    /** Lists the resource (paged, one snapshot) and opens the store watch from the list's revision. */
    private void start() {
        long current = config.store().currentRevision();
        long at = Math.max(config.store().compactRevision(), current - config.ringCapacity());
        at = current == 0 ? 0 : Math.max(at, 1);
        TreeMap<String, Versioned> listed = new TreeMap<>();
        RangeRequest request = new RangeRequest(prefix, null, LIST_PAGE, at);
        RangeResult page;
        do {
            page = config.store().range(request);
            for (KeyValue kv : page.kvs()) {
                listed.put(kv.key(), ObjectStore.decode(kv));
            }
            request = page.more() ? request.startingAt(page.nextStartKey()).atRevision(page.revision()) : null;
        } while (request != null);
        long listRevision = page.revision();
        Watch watch = config.store().watch(prefix, listRevision);
        lock.lock();
        try {
            if (closed) {
                watch.close();
                return;
            }
            storeWatch = watch;
            startedAt = current;
            state.clear();
            state.putAll(listed);
            ring = new EventRing(config.ringCapacity(), listRevision);
            revision = listRevision;
            ready = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void apply(List<Event> events, long storeRevisionBefore) {
        lock.lock();
        try {
            if (events.isEmpty()) {
                if (storeRevisionBefore > revision) {
                    revision = storeRevisionBefore;
                    watchers.forEach(w -> w.progress(storeRevisionBefore));
                    changed.signalAll();
                }
                return;
            }
            for (Event e : events) {
                CachedEvent ce = cached(e);
                if (ce.type() == CachedEvent.Type.DELETED) {
                    state.remove(ce.key());
                } else {
                    state.put(ce.key(), new Versioned(ce.key(), ce.object(), ce.revision()));
                }
                ring.add(ce);
                revision = ce.revision();
                watchers.removeIf(w -> w.wants(ce) ? !w.offer(ce) : progressed(w, ce.revision()));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static boolean progressed(CacheWatcher w, long revision) {
        w.progress(revision);
        return false;
    }

    /** The cache's form of a store event; the previous object is the state's tree, not a new decode. */
    private CachedEvent cached(Event e) {
        Versioned before = state.get(e.key());
        if (e.type() == Event.Type.DELETE) {
            ObjectNode gone = ObjectStore.decode(e.prev(), e.revision()).object();
            return new CachedEvent(CachedEvent.Type.DELETED, e.key(), gone, before == null ? null : before.object(), e.revision());
        }
        ObjectNode now = ObjectStore.decode(e.kv()).object();
        if (before == null) {
            return new CachedEvent(CachedEvent.Type.ADDED, e.key(), now, null, e.revision());
        }
        return new CachedEvent(CachedEvent.Type.MODIFIED, e.key(), now, before.object(), e.revision());
    }

    /** Ends every watcher (their clients re-list) and drops the store watch; the next step lists again. */
    private void restart(RuntimeException cause) {
        Watch old;
        lock.lock();
        try {
            old = storeWatch;
            storeWatch = null;
            ready = false;
            for (CacheWatcher w : watchers) {
                w.end(CacheWatcher.Reason.EXPIRED, "too old resource version: " + w.progressRevision()
                        + " (the watch cache of " + prefix + " is re-listing: " + cause.getMessage() + ")");
            }
            watchers.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (old != null) {
            old.close();
        }
    }

    /** Ends every watcher and stops the dispatcher. Idempotent. */
    @Override
    public void close() {
        Watch old;
        lock.lock();
        try {
            closed = true;
            old = storeWatch;
            watchers.forEach(w -> w.end(CacheWatcher.Reason.CLOSED, "the watch cache is closed"));
            watchers.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (old != null) {
            old.close();
        }
    }

    /** How many watchers are open; for tests and metrics. */
    int watcherCount() {
        lock.lock();
        try {
            return watchers.size();
        } finally {
            lock.unlock();
        }
    }
}
