package io.outpost.controllers.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A rate-limited, delaying work queue with client-go's {@code workqueue} semantics:
 * <ul>
 *   <li>an item added while it waits is not added twice (the {@code dirty} set);</li>
 *   <li>an item is never handed to two workers at once: one added while a worker holds it
 *       ({@code processing}) is handed out again only after that worker calls {@link #done};</li>
 *   <li>{@link #addAfter} holds an item until the clock passes its time (the earliest wins if it
 *       is added again); {@link #addRateLimited} waits as long as the {@link RateLimiter} says, and
 *       {@link #forget} resets that item's back-off.</li>
 * </ul>
 *
 * <p>Thread model: any thread may add; workers call {@link #get} (blocking) or {@link #poll},
 * then {@link #done} exactly once per item they got. Delays are measured on the config's clock;
 * a blocked {@link #get} looks at that clock again at least every {@code pollInterval} of real
 * time, so a test's fake clock that jumps ahead is noticed.
 */
public final class WorkQueue<T> {

    /**
     * @param name         for logs
     * @param clock        what delays are measured on
     * @param rateLimiter  the back-off of {@link #addRateLimited}
     * @param pollInterval the longest a blocked {@link #get} waits in real time before it reads
     *                     the clock again
     */
    public record Config<T>(String name, Clock clock, RateLimiter<T> rateLimiter, Duration pollInterval) {

        /** client-go's defaults: {@link RateLimiter#controllerDefault}, the clock read every 10 ms. */
        public static <T> Config<T> defaults(String name, Clock clock) {
            return new Config<>(name, clock, RateLimiter.controllerDefault(clock), Duration.ofMillis(10));
        }
    }

    private record Waiting<T>(Instant readyAt, long seq, T item) {
    }

    private final Config<T> config;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private final Set<T> dirty = new HashSet<>();
    private final Set<T> processing = new HashSet<>();
    private final PriorityQueue<Waiting<T>> waiting = new PriorityQueue<>(
            (a, b) -> a.readyAt.equals(b.readyAt) ? Long.compare(a.seq, b.seq) : a.readyAt.compareTo(b.readyAt));
    private final Map<T, Waiting<T>> waitingByItem = new HashMap<>();
    private long seq;
    private boolean shuttingDown;

    public WorkQueue(Config<T> config) {
        this.config = config;
    }

    public String name() {
        return config.name();
    }

    /** Queues {@code item} unless it is already queued; ignored after {@link #shutDown}. */
    public void add(T item) {
        lock.lock();
        try {
            addLocked(item);
        } finally {
            lock.unlock();
        }
    }

    private void addLocked(T item) {
        if (shuttingDown || !dirty.add(item)) {
            return;
        }
        if (!processing.contains(item)) {
            queue.addLast(item);
            changed.signal();
        }
    }

    /** Queues {@code item} once {@code delay} has passed on the clock (at once if not positive). */
    public void addAfter(T item, Duration delay) {
        lock.lock();
        try {
            if (shuttingDown) {
                return;
            }
            if (delay.isNegative() || delay.isZero()) {
                addLocked(item);
                return;
            }
            Instant readyAt = config.clock().instant().plus(delay);
            Waiting<T> existing = waitingByItem.get(item);
            if (existing != null) {
                if (!readyAt.isBefore(existing.readyAt)) {
                    return;
                }
                waiting.remove(existing);
            }
            Waiting<T> w = new Waiting<>(readyAt, seq++, item);
            waiting.add(w);
            waitingByItem.put(item, w);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Queues {@code item} after its rate-limited back-off; counts one more failure of it. */
    public void addRateLimited(T item) {
        Duration delay;
        lock.lock();
        try {
            delay = config.rateLimiter().when(item);
        } finally {
            lock.unlock();
        }
        addAfter(item, delay);
    }

    /** Resets the back-off of {@code item} (after it synced well). */
    public void forget(T item) {
        lock.lock();
        try {
            config.rateLimiter().forget(item);
        } finally {
            lock.unlock();
        }
    }

    public int numRequeues(T item) {
        lock.lock();
        try {
            return config.rateLimiter().numRequeues(item);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next item, waiting for one; empty once the queue is shut down. The caller must call
     * {@link #done} with it.
     */
    public Optional<T> get() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                promoteReady();
                if (!queue.isEmpty()) {
                    return Optional.of(take());
                }
                if (shuttingDown) {
                    return Optional.empty();
                }
                changed.await(waitNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next item if one is ready now, without waiting. The caller must call {@link #done}. */
    public Optional<T> poll() {
        lock.lock();
        try {
            promoteReady();
            return queue.isEmpty() ? Optional.empty() : Optional.of(take());
        } finally {
            lock.unlock();
        }
    }

    private T take() {
        T item = queue.removeFirst();
        processing.add(item);
        dirty.remove(item);
        return item;
    }

    private void promoteReady() {
        Instant now = config.clock().instant();
        while (!waiting.isEmpty() && !waiting.peek().readyAt.isAfter(now)) {
            Waiting<T> w = waiting.poll();
            waitingByItem.remove(w.item);
            addLocked(w.item);
        }
    }

    private long waitNanos() {
        long poll = config.pollInterval().toNanos();
        if (waiting.isEmpty()) {
            return poll;
        }
        long untilReady = Duration.between(config.clock().instant(), waiting.peek().readyAt).toNanos();
        return Math.max(1, Math.min(poll, untilReady));
    }

    /** Marks {@code item} processed; if it was added meanwhile, it is queued again now. */
    public void done(T item) {
        lock.lock();
        try {
            processing.remove(item);
            if (dirty.contains(item)) {
                queue.addLast(item);
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Items ready to be handed out (not those waiting for their time, nor those in a worker). */
    public int length() {
        lock.lock();
        try {
            promoteReady();
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting items and wakes every blocked {@link #get}, which then drain and end. */
    public void shutDown() {
        lock.lock();
        try {
            shuttingDown = true;
            waiting.clear();
            waitingByItem.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isShuttingDown() {
        lock.lock();
        try {
            return shuttingDown;
        } finally {
            lock.unlock();
        }
    }
}
