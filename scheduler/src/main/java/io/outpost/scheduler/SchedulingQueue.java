package io.outpost.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.outpost.scheduler.framework.PodInfo;

/**
 * The pods waiting to be scheduled, in three parts, as kube's {@code PriorityQueue}:
 * <ul>
 *   <li>active: ready now, highest {@code spec.priority} first, then the longest waiting;</li>
 *   <li>back-off: failed recently; each attempt doubles the wait, from {@code initialBackoff} up
 *       to {@code maxBackoff} (kube: 1 s and 10 s), counted from the last attempt;</li>
 *   <li>unschedulable: no node fitted; they stay until a cluster change could make them fit (a
 *       node added or changed, a pod deleted: {@link #moveAllToActiveOrBackoff}) or for at most
 *       {@code maxInUnschedulable} (kube: 5 min), then retry.</li>
 * </ul>
 * A pod that failed while a cluster change happened during its cycle goes to back-off, not to
 * unschedulable, so that the change is not missed (kube's moveRequestCycle).
 *
 * <p>Thread model: any thread may add, update, delete and move; the scheduling thread pops. A
 * ticker (the scheduler's, every second; tests call it with a fake clock) calls
 * {@link #flushBackoffCompleted} and {@link #flushUnschedulableLeftover}. One lock guards all.
 */
public final class SchedulingQueue {

    /** A pod in the queue, with its attempts so far. */
    public static final class QueuedPod {
        private PodInfo pod;
        private final Instant added;
        private Instant lastAttempt;
        private int attempts;
        private long cycle;

        QueuedPod(PodInfo pod, Instant added) {
            this.pod = pod;
            this.added = added;
            this.lastAttempt = added;
        }

        public PodInfo pod() {
            return pod;
        }

        public int attempts() {
            return attempts;
        }

        long cycle() {
            return cycle;
        }
    }

    /** Where a pod is now, for tests and diagnosis. */
    public enum Where { ACTIVE, BACKOFF, UNSCHEDULABLE, IN_FLIGHT, ABSENT }

    private static final Comparator<QueuedPod> ACTIVE_ORDER = Comparator
            .comparingInt((QueuedPod q) -> -q.pod.priority()).thenComparing(q -> q.added);

    private final Clock clock;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration maxInUnschedulable;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nonEmpty = lock.newCondition();
    private final PriorityQueue<QueuedPod> active = new PriorityQueue<>(ACTIVE_ORDER);
    private final PriorityQueue<QueuedPod> backoff = new PriorityQueue<>(Comparator.comparing(this::backoffExpiry));
    private final Map<String, QueuedPod> unschedulable = new HashMap<>();
    /** uid of every pod in any part or in flight (popped, not yet done). */
    private final Map<String, QueuedPod> all = new HashMap<>();
    private final Map<String, Where> where = new HashMap<>();
    private long schedulingCycle;
    private long moveRequestCycle = -1;
    private boolean closed;

    public SchedulingQueue(Clock clock, Duration initialBackoff, Duration maxBackoff, Duration maxInUnschedulable) {
        this.clock = clock;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.maxInUnschedulable = maxInUnschedulable;
    }

    /** A new pending pod (or one seen again): to active unless already queued. */
    public void add(PodInfo pod) {
        lock.lock();
        try {
            if (all.containsKey(pod.uid())) {
                update(pod);
                return;
            }
            QueuedPod q = new QueuedPod(pod, clock.instant());
            all.put(pod.uid(), q);
            toActive(q);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The pod changed: its queued copy is replaced; an unschedulable pod is retried (its change may
     * be what makes it fit), through back-off if it is still backing off.
     */
    public void update(PodInfo pod) {
        lock.lock();
        try {
            QueuedPod q = all.get(pod.uid());
            if (q == null) {
                add(pod);
                return;
            }
            switch (where.get(pod.uid())) {
                case ACTIVE -> {
                    active.remove(q);
                    q.pod = pod;
                    active.add(q);
                }
                case BACKOFF -> {
                    backoff.remove(q);
                    q.pod = pod;
                    backoff.add(q);
                }
                case UNSCHEDULABLE -> {
                    unschedulable.remove(pod.uid());
                    q.pod = pod;
                    activeOrBackoff(q);
                }
                default -> q.pod = pod;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The pod was deleted or bound by someone else: it leaves the queue. */
    public void delete(String uid) {
        lock.lock();
        try {
            QueuedPod q = all.remove(uid);
            Where w = where.remove(uid);
            if (q == null || w == null) {
                return;
            }
            switch (w) {
                case ACTIVE -> active.remove(q);
                case BACKOFF -> backoff.remove(q);
                case UNSCHEDULABLE -> unschedulable.remove(uid);
                default -> {
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next pod to schedule, waiting for one up to {@code timeout}; null on timeout or close. */
    public QueuedPod pop(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (active.isEmpty() && !closed) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = nonEmpty.awaitNanos(nanos);
            }
            if (closed) {
                return null;
            }
            QueuedPod q = active.poll();
            where.put(q.pod.uid(), Where.IN_FLIGHT);
            q.attempts++;
            q.lastAttempt = clock.instant();
            q.cycle = ++schedulingCycle;
            return q;
        } finally {
            lock.unlock();
        }
    }

    /** The next active pod, or null: never waits (for tests and benchmarks). */
    public QueuedPod poll() {
        try {
            return pop(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Scheduling of a popped pod ended (bound, or assumed and binding): it leaves the queue. */
    public void done(String uid) {
        lock.lock();
        try {
            if (where.get(uid) == Where.IN_FLIGHT) {
                where.remove(uid);
                all.remove(uid);
            }
        } finally {
            lock.unlock();
        }
    }

    /** No node fitted the popped pod. */
    public void addUnschedulable(QueuedPod q) {
        lock.lock();
        try {
            if (!isInFlight(q)) {
                return; // deleted meanwhile
            }
            if (moveRequestCycle >= q.cycle) {
                toBackoff(q);
            } else {
                unschedulable.put(q.pod.uid(), q);
                where.put(q.pod.uid(), Where.UNSCHEDULABLE);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The popped pod failed for another reason (an error, a failed binding): retry after back-off. */
    public void addBackoff(QueuedPod q) {
        lock.lock();
        try {
            if (isInFlight(q)) {
                toBackoff(q);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A cluster change that could make unschedulable pods fit: they all get another try. */
    public void moveAllToActiveOrBackoff() {
        lock.lock();
        try {
            for (QueuedPod q : unschedulable.values()) {
                activeOrBackoff(q);
            }
            unschedulable.clear();
            moveRequestCycle = schedulingCycle;
        } finally {
            lock.unlock();
        }
    }

    public void flushBackoffCompleted() {
        lock.lock();
        try {
            Instant now = clock.instant();
            while (!backoff.isEmpty() && !backoffExpiry(backoff.peek()).isAfter(now)) {
                toActive(backoff.poll());
            }
        } finally {
            lock.unlock();
        }
    }

    public void flushUnschedulableLeftover() {
        lock.lock();
        try {
            Instant now = clock.instant();
            for (Iterator<QueuedPod> it = unschedulable.values().iterator(); it.hasNext();) {
                QueuedPod q = it.next();
                if (!q.lastAttempt.plus(maxInUnschedulable).isAfter(now)) {
                    it.remove();
                    activeOrBackoff(q);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    public Where where(String uid) {
        lock.lock();
        try {
            return where.getOrDefault(uid, Where.ABSENT);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes a waiting {@link #pop}; later pops return null. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            nonEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Kube's backoff: initial × 2^(attempts−1), at most max. */
    Duration backoffDuration(QueuedPod q) {
        Duration d = initialBackoff;
        for (int i = 1; i < q.attempts && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private Instant backoffExpiry(QueuedPod q) {
        return q.lastAttempt.plus(backoffDuration(q));
    }

    private boolean isInFlight(QueuedPod q) {
        return all.get(q.pod.uid()) == q && where.get(q.pod.uid()) == Where.IN_FLIGHT;
    }

    private void activeOrBackoff(QueuedPod q) {
        if (q.attempts > 0 && backoffExpiry(q).isAfter(clock.instant())) {
            toBackoff(q);
        } else {
            toActive(q);
        }
    }

    private void toActive(QueuedPod q) {
        active.add(q);
        where.put(q.pod.uid(), Where.ACTIVE);
        nonEmpty.signal();
    }

    private void toBackoff(QueuedPod q) {
        backoff.add(q);
        where.put(q.pod.uid(), Where.BACKOFF);
    }

}
