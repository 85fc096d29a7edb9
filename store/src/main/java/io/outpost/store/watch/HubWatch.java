package io.outpost.store.watch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;

/**
 * One watch of a {@link WatchHub}: a bounded buffer of live events, preceded by a replay of
 * history up to the revision the hub had published when the watch opened.
 *
 * <p>Thread model: the hub's writer calls {@link #offer}; one consumer calls {@link #poll};
 * {@link #close} and {@link #fail} may come from any thread and wake the consumer through a
 * sentinel in the buffer.
 */
final class HubWatch implements Watch {

    /** Wakes a blocked poll when the watch ends; never delivered. */
    private static final Event WAKE_UP = Event.put(new KeyValue("\0wake-up", new byte[0], 0, 0), null);

    private final WatchHub hub;
    private final History history;
    private final String prefix;
    private final ArrayBlockingQueue<Event> buffer;
    /** Live events at or below this revision are already covered by the replay or were not asked for. */
    private final long skipThrough;
    /** The replay reads (cursor, replayThrough]; only the consumer thread touches these two. */
    private long cursor;
    private final long replayThrough;
    private volatile StoreException failure;
    private volatile boolean closed;

    HubWatch(WatchHub hub, History history, String prefix, long after, long published, int bufferSize) {
        this.hub = hub;
        this.history = history;
        this.prefix = prefix;
        this.buffer = new ArrayBlockingQueue<>(bufferSize + 1); // + 1: room for the wake-up sentinel
        this.cursor = after;
        this.replayThrough = Math.max(after, published);
        this.skipThrough = replayThrough;
    }

    /** Adds the matching live events; false if the buffer overflowed and this watch is now dropped. */
    boolean offer(List<Event> events) {
        if (closed || failure != null) {
            return false;
        }
        for (Event e : events) {
            if (e.revision() <= skipThrough || !e.key().startsWith(prefix)) {
                continue;
            }
            if (buffer.remainingCapacity() <= 1 || !buffer.offer(e)) {
                fail(new StoreException.Unavailable("watch of " + prefix + " fell behind by more than "
                        + (buffer.size()) + " events and was dropped; watch again from the last revision seen"));
                return false;
            }
        }
        return true;
    }

    void fail(StoreException e) {
        if (failure == null) {
            failure = e;
        }
        buffer.clear();
        buffer.offer(WAKE_UP);
    }

    @Override
    public List<Event> poll(Duration timeout) throws InterruptedException {
        checkOpen();
        if (cursor < replayThrough) {
            List<Event> page = replayPage();
            if (!page.isEmpty()) {
                return page;
            }
        }
        Event first = buffer.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            checkOpen();
            return List.of();
        }
        List<Event> out = new ArrayList<>();
        out.add(first);
        buffer.drainTo(out, WatchHub.HISTORY_PAGE);
        if (out.getLast() == WAKE_UP) {
            checkOpen();
            out.removeLast();
        }
        return out;
    }

    private List<Event> replayPage() {
        try {
            List<Event> page = history.read(prefix, cursor, replayThrough, WatchHub.HISTORY_PAGE);
            cursor = page.size() < WatchHub.HISTORY_PAGE ? replayThrough : page.getLast().revision();
            return page;
        } catch (StoreException e) {
            fail(e);
            hub.remove(this);
            throw e;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the watch of " + prefix + " is closed");
        }
        StoreException e = failure;
        if (e != null) {
            throw e;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        hub.remove(this);
        buffer.clear();
        buffer.offer(WAKE_UP);
    }
}
