package io.outpost.apiserver.watchcache;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

import tools.jackson.databind.node.ObjectNode;

/**
 * One watch served from a {@link WatchCache}: the events it must send first (the initial state or
 * a replay from the ring), then the live events the dispatcher hands it.
 *
 * <p>Back-pressure is enforced here (kube's {@code cacheWatcher}, kine's broadcaster): live events
 * wait in a buffer of at most {@link WatchCacheConfig#watcherBuffer()}; when the dispatcher finds
 * it full it ends this watcher ({@link Reason#FELL_BEHIND}) instead of waiting or growing it,
 * so a slow client never slows the others nor holds memory without bound. The client re-watches
 * from the last resourceVersion it saw. The first events are not counted: they are references to
 * objects the cache holds anyway.
 *
 * <p>Thread model: the cache's dispatcher calls {@link #offer}, {@link #progress} and {@link #end}
 * while it holds the cache's lock; one consumer (the request's thread) calls {@link #poll};
 * {@link #close} may come from any thread. This watcher's own {@link ReentrantLock} guards its state.
 */
public final class CacheWatcher implements AutoCloseable {

    /** Why a watcher ended. */
    public enum Reason {
        /** Its buffer was full: the client did not keep up. The stream ends; the client re-watches. */
        FELL_BEHIND,
        /** The cache restarted from a new list and cannot serve this watch's position: 410 Expired. */
        EXPIRED,
        /** The cache or the consumer closed it. */
        CLOSED
    }

    /** What a {@link #poll} found. */
    public sealed interface Delivery permits Events, Ended {
    }

    /**
     * Events to send, oldest first (possibly none), and a revision such that every event at or
     * below it has now been delivered: a safe BOOKMARK even while the resource is quiet.
     */
    public record Events(List<CachedEvent> events, long progress) implements Delivery {
    }

    /** The watcher is over; with {@link Reason#EXPIRED}, {@code message} is the 410's message. */
    public record Ended(Reason reason, String message) implements Delivery {
    }

    private final String keyPrefix;
    private final Predicate<ObjectNode> filter;
    private final int capacity;
    private final Consumer<CacheWatcher> deregister;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<CachedEvent> buffer = new ArrayDeque<>();
    private List<CachedEvent> first;
    private long progress;
    private Ended ended;

    CacheWatcher(String keyPrefix, Predicate<ObjectNode> filter, int capacity, List<CachedEvent> first, long progress,
                 Consumer<CacheWatcher> deregister) {
        this.keyPrefix = keyPrefix;
        this.filter = filter;
        this.capacity = capacity;
        this.first = first;
        this.progress = progress;
        this.deregister = deregister;
    }

    /** Whether this watcher wants {@code event}: under its key prefix, and matching before or after. */
    boolean wants(CachedEvent event) {
        return event.key().startsWith(keyPrefix)
                && (filter.test(event.object()) || event.previous() != null && filter.test(event.previous()));
    }

    /** Buffers a live event; false if the buffer was full and this watcher has now ended. */
    boolean offer(CachedEvent event) {
        lock.lock();
        try {
            if (ended != null) {
                return false;
            }
            if (buffer.size() >= capacity) {
                endLocked(new Ended(Reason.FELL_BEHIND, "the watcher fell " + capacity + " events behind"));
                return false;
            }
            buffer.add(event);
            progress = event.revision();
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The cache has seen everything up to {@code revision} and nothing in it was for this watcher. */
    void progress(long revision) {
        lock.lock();
        try {
            progress = Math.max(progress, revision);
        } finally {
            lock.unlock();
        }
    }

    void end(Reason reason, String message) {
        lock.lock();
        try {
            endLocked(new Ended(reason, message));
        } finally {
            lock.unlock();
        }
    }

    private void endLocked(Ended e) {
        if (ended == null) {
            ended = e;
            buffer.clear();
            first = null;
            changed.signalAll();
        }
    }

    /**
     * Waits up to {@code timeout} for events. An ended watcher reports its end at once, without the
     * events it had buffered: its client re-watches from the last resourceVersion it saw.
     */
    public Delivery poll(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (ended == null && first == null && buffer.isEmpty() && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            if (ended != null) {
                return ended;
            }
            List<CachedEvent> out;
            if (first != null) {
                out = new ArrayList<>(first);
                first = null;
            } else {
                out = new ArrayList<>(buffer.size());
            }
            out.addAll(buffer);
            buffer.clear();
            return new Events(out, progress);
        } finally {
            lock.unlock();
        }
    }

    /** Ends this watcher and removes it from its cache. Idempotent. */
    @Override
    public void close() {
        end(Reason.CLOSED, "closed");
        deregister.accept(this);
    }

    /** Every event up to this revision has been buffered or was not for this watcher. */
    long progressRevision() {
        lock.lock();
        try {
            return progress;
        } finally {
            lock.unlock();
        }
    }

    /** How many live events wait; for tests and metrics. */
    int buffered() {
        lock.lock();
        try {
            return buffer.size();
        } finally {
            lock.unlock();
        }
    }
}
