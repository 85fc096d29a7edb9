package io.outpost.agent.pods;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Kubelet's per-container crash back-off ({@code k8s.io/client-go/util/flowcontrol.Backoff} as
 * {@code kuberuntime_manager.go doBackOff} uses it). The event time is the exited container's
 * {@code finishedAt}:
 * <ul>
 *   <li>{@link #inBackOffSince}: while {@code now - finishedAt} is shorter than the current delay,
 *       the restart waits ({@code CrashLoopBackOff});</li>
 *   <li>{@link #next}: when a restart goes ahead, the delay doubles (up to the maximum) — or starts
 *       over at the initial delay if the previous crash is older than twice the maximum (a container
 *       that ran for 10 min is forgiven).</li>
 * </ul>
 * The first crash therefore restarts at once and arms a 10 s delay for the second.
 *
 * <p>Thread model: any thread; one lock. In memory only, as in kubelet: an agent restart forgets
 * every back-off, so after a reboot every pod restarts at once.
 */
public final class CrashBackOff {

    private record Entry(Duration delay, Instant lastUpdate) {
    }

    private final BackOffPolicy policy;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> entries = new HashMap<>();

    public CrashBackOff(BackOffPolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    /** The key kubelet uses: one back-off per pod uid and container name. */
    public static String key(String podUid, String container) {
        return podUid + "/" + container;
    }

    /** True while a restart of the container that finished at {@code finishedAt} must wait. */
    public boolean inBackOffSince(String key, Instant finishedAt) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            if (e == null || expired(finishedAt, e.lastUpdate())) {
                return false;
            }
            return Duration.between(finishedAt, clock.instant()).compareTo(e.delay()) < 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * True while the back-off armed by the last {@link #next} has not run out (flowcontrol's
     * {@code IsInBackOffSinceUpdate}, which kubelet's image puller uses: the clock starts at the
     * failed pull, not at a container's exit).
     */
    public boolean inBackOffSinceUpdate(String key) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            Instant now = clock.instant();
            if (e == null || expired(now, e.lastUpdate())) {
                return false;
            }
            return Duration.between(e.lastUpdate(), now).compareTo(e.delay()) < 0;
        } finally {
            lock.unlock();
        }
    }

    /** The current delay of {@code key} (zero if none). */
    public Duration delay(String key) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            return e == null ? Duration.ZERO : e.delay();
        } finally {
            lock.unlock();
        }
    }

    /** When the back-off of a container that finished at {@code finishedAt} ends. */
    public Instant retryAt(String key, Instant finishedAt) {
        return finishedAt.plus(delay(key));
    }

    /** Records a restart going ahead after a crash at {@code finishedAt}. */
    public void next(String key, Instant finishedAt) {
        lock.lock();
        try {
            Entry e = entries.get(key);
            Duration delay;
            if (e == null || expired(finishedAt, e.lastUpdate())) {
                delay = policy.initial();
            } else {
                Duration doubled = e.delay().multipliedBy(2);
                delay = doubled.compareTo(policy.max()) > 0 ? policy.max() : doubled;
            }
            entries.put(key, new Entry(delay, finishedAt));
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a pod's containers (the pod is gone). */
    public void forgetPod(String podUid) {
        lock.lock();
        try {
            entries.keySet().removeIf(k -> k.startsWith(podUid + "/"));
        } finally {
            lock.unlock();
        }
    }

    private boolean expired(Instant eventTime, Instant lastUpdate) {
        return Duration.between(lastUpdate, eventTime).compareTo(policy.max().multipliedBy(2)) > 0;
    }
}
