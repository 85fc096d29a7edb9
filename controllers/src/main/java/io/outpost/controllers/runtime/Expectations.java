package io.outpost.controllers.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a controller that creates and deletes children is still waiting to see in its informer
 * (kube's {@code UIDTrackingControllerExpectations}). After it asks the API for {@code n} creations,
 * it must not act on its cache again until those creations (or their failures) are observed,
 * or it would create them twice. Deletions are tracked by the child's key, so a delete event seen
 * twice (the informer's own and a relist's) is counted once.
 *
 * <p>Expectations expire after {@link #TTL} on the clock (kube's {@code ExpectationsTimeout}):
 * a watch event that never comes must not block a controller forever.
 *
 * <p>Thread model: informer handlers observe, workers expect and check; every method is atomic.
 */
public final class Expectations {

    /** kube-controller-manager's {@code ExpectationsTimeout}. */
    public static final Duration TTL = Duration.ofMinutes(5);

    private static final class Record {
        int adds;
        int dels;
        Instant at;
        final Set<String> deleting = new HashSet<>();
    }

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Record> records = new HashMap<>();

    public Expectations(Clock clock) {
        this.clock = clock;
    }

    /**
     * Whether the controller of {@code key} may act on its cache: nothing expected, everything
     * expected already seen, or the expectation expired.
     */
    public boolean satisfied(String key) {
        lock.lock();
        try {
            Record r = records.get(key);
            if (r == null) {
                return true;
            }
            if (r.adds <= 0 && r.dels <= 0) {
                return true;
            }
            return !clock.instant().isBefore(r.at.plus(TTL));
        } finally {
            lock.unlock();
        }
    }

    /** The controller of {@code key} is about to create {@code n} children; replaces any earlier expectation. */
    public void expectCreations(String key, int n) {
        set(key, n, Set.of());
    }

    /** The controller of {@code key} is about to delete the children with these keys. */
    public void expectDeletions(String key, Collection<String> childKeys) {
        set(key, 0, Set.copyOf(childKeys));
    }

    /** The controller of {@code key} is about to create {@code adds} children and delete these (kube's {@code SetExpectations}). */
    public void expect(String key, int adds, Collection<String> childKeys) {
        set(key, adds, Set.copyOf(childKeys));
    }

    private void set(String key, int adds, Set<String> deleting) {
        lock.lock();
        try {
            Record r = new Record();
            r.adds = adds;
            r.dels = deleting.size();
            r.deleting.addAll(deleting);
            r.at = clock.instant();
            records.put(key, r);
        } finally {
            lock.unlock();
        }
    }

    /** A child of {@code key} was seen created, or its creation failed (it will never be seen). */
    public void creationObserved(String key) {
        lock.lock();
        try {
            Record r = records.get(key);
            if (r != null) {
                r.adds--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The child {@code childKey} of {@code key} was seen deleted, or its deletion failed. Counted once per child. */
    public void deletionObserved(String key, String childKey) {
        lock.lock();
        try {
            Record r = records.get(key);
            if (r != null && r.deleting.remove(childKey)) {
                r.dels--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forgets {@code key} (its controller object is gone). */
    public void delete(String key) {
        lock.lock();
        try {
            records.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** Creations and deletions still expected for {@code key}, for logs and tests. */
    public int[] pending(String key) {
        lock.lock();
        try {
            Record r = records.get(key);
            return r == null ? new int[] {0, 0} : new int[] {r.adds, r.dels};
        } finally {
            lock.unlock();
        }
    }
}
