package io.outpost.store.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

import io.outpost.store.Event;
import io.outpost.store.Keys;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;

/**
 * Fans the events of an in-process store out to its watches (kine's broadcaster).
 *
 * <p>Thread model: {@link #publish} is called by the store's single writer, in revision order,
 * once the events are durable; {@link #open} and {@link #close} from any thread. A watch from a
 * past revision first replays {@link History} on its consumer's thread, page by page as it polls,
 * while live events collect in its buffer; it then continues with them, so it sees every event
 * once, in order, with no gap.
 *
 * <p>Back-pressure is enforced here: each watch buffers at most {@code bufferSize} events. When
 * {@link #publish} finds a buffer full it drops that watch, which fails with
 * {@link StoreException.Unavailable} and must re-watch from the last revision it saw. The writer
 * never blocks on a slow consumer.
 */
public final class WatchHub implements AutoCloseable {

    static final int HISTORY_PAGE = 1_000;

    private final History history;
    private final int bufferSize;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<HubWatch> watches = new CopyOnWriteArrayList<>();
    private long publishedRevision;
    private boolean closed;

    /**
     * @param currentRevision the store's revision when the hub starts: events up to it are history
     * @param history         where replays read from
     * @param bufferSize      how many events a watch may have waiting before it is dropped
     */
    public WatchHub(long currentRevision, History history, int bufferSize) {
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be at least 1");
        }
        this.publishedRevision = currentRevision;
        this.history = history;
        this.bufferSize = bufferSize;
    }

    /**
     * Opens a watch of {@code prefix} from after {@code afterRevision} (0: from now on). A revision
     * in the future is allowed: events up to it are skipped, as etcd does.
     */
    public Watch open(String prefix, long afterRevision) {
        Keys.checkPrefix(prefix);
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision must be 0 (now) or positive, not " + afterRevision);
        }
        lock.lock();
        try {
            if (closed) {
                throw new StoreException.Unavailable("the store is closed");
            }
            long start = afterRevision == 0 ? publishedRevision : afterRevision;
            HubWatch watch = new HubWatch(this, history, prefix, start, publishedRevision, bufferSize);
            watches.add(watch);
            return watch;
        } finally {
            lock.unlock();
        }
    }

    /** Delivers committed events, oldest first. Called by the single writer only. */
    public void publish(List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (HubWatch watch : watches) {
                if (!watch.offer(events)) {
                    watches.remove(watch);
                }
            }
            publishedRevision = events.getLast().revision();
        } finally {
            lock.unlock();
        }
    }

    /** How many watches are open; for metrics and tests. */
    public int size() {
        return watches.size();
    }

    void remove(HubWatch watch) {
        watches.remove(watch);
    }

    /** Ends every watch with {@link StoreException.Unavailable}. */
    @Override
    public void close() {
        List<HubWatch> open;
        lock.lock();
        try {
            closed = true;
            open = new ArrayList<>(watches);
            watches.clear();
        } finally {
            lock.unlock();
        }
        for (HubWatch watch : open) {
            watch.fail(new StoreException.Unavailable("the store is closed"));
        }
    }
}
