package io.outpost.apiserver.watchcache;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} events of one resource, oldest first, and the revision from which
 * they are complete: every event after {@link #startRevision()} is here.
 *
 * <p>Not thread-safe: its {@link WatchCache} guards it with its lock.
 */
final class EventRing {

    private final CachedEvent[] slots;
    private int oldest;
    private int size;
    private long startRevision;

    EventRing(int capacity, long startRevision) {
        this.slots = new CachedEvent[capacity];
        this.startRevision = startRevision;
    }

    /** Appends the newest event, evicting the oldest when full (the ring then starts at its revision). */
    void add(CachedEvent event) {
        if (size == slots.length) {
            startRevision = slots[oldest].revision();
            slots[oldest] = event;
            oldest = (oldest + 1) % slots.length;
        } else {
            slots[(oldest + size) % slots.length] = event;
            size++;
        }
    }

    /** A watch may resume from any revision at or after this one. */
    long startRevision() {
        return startRevision;
    }

    /** The events after {@code revision}, oldest first; {@code revision} must be at or after {@link #startRevision()}. */
    List<CachedEvent> after(long revision) {
        if (revision < startRevision) {
            throw new IllegalArgumentException("revision " + revision + " is older than the ring (" + startRevision + ")");
        }
        int lo = 0;
        int hi = size;
        while (lo < hi) { // the first event with a revision above the one asked for
            int mid = (lo + hi) >>> 1;
            if (get(mid).revision() <= revision) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        List<CachedEvent> out = new ArrayList<>(size - lo);
        for (int i = lo; i < size; i++) {
            out.add(get(i));
        }
        return out;
    }

    int size() {
        return size;
    }

    private CachedEvent get(int i) {
        return slots[(oldest + i) % slots.length];
    }
}
