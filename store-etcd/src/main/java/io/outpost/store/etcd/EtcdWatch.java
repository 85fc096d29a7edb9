package io.outpost.store.etcd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch.Listener;
import io.etcd.jetcd.Watch.Watcher;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;

/**
 * A {@link Watch} on an etcd watch stream: etcd's events, in its order, into a bounded buffer.
 *
 * <p>Order and gaps. etcd sends a revision's events together and in order; this watch remembers
 * the revision of the last event it buffered. When the stream breaks (its member died, lost its
 * leader: the stream requires one, as kube-apiserver's do), this watch opens a new stream from
 * that revision and drops whatever the new stream repeats, so the consumer sees every event once,
 * in revision order, with no gap. It does not let jetcd resume by itself: jetcd may
 * resume from the revision of the stream's creation, past events never delivered. A stream that
 * cannot be resumed within the store's request timeout fails the watch with
 * {@link StoreException.Unavailable}: the consumer re-watches from the last revision it saw.
 *
 * <p>Back-pressure is enforced here: at most {@code capacity} events wait in the buffer; when etcd
 * sends more the watch is dropped with {@link StoreException.Unavailable} and its stream cancelled.
 *
 * <p>Thread model: jetcd calls the {@link Listener} of each stream on its event-loop and executor
 * threads, {@code onError} while holding a jetcd lock; one consumer calls {@link #poll}; anything may
 * call {@link #close} or {@link #fail}. One {@link ReentrantLock} guards the state and is never held
 * while calling into jetcd (that would invert the order of the two locks). Streams are opened and
 * closed on {@code scheduler}, the store's single resume thread. Each stream's listener carries a
 * generation number; callbacks of a superseded stream are ignored.
 */
final class EtcdWatch implements Watch {

    /** Wakes a blocked poll when the watch ends; never delivered. */
    private static final Event WAKE_UP = Event.put(new KeyValue("\0wake-up", new byte[0], 0, 0), null);
    private static final int MAX_BATCH = 1_000;
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final io.etcd.jetcd.Watch client;
    private final String prefix;
    private final int capacity;
    private final long resumeWithinNanos;
    private final ScheduledExecutorService scheduler;
    private final KnownCompaction compaction;
    private final EtcdErrors errors;
    private final Consumer<EtcdWatch> onEnd;
    private final ArrayBlockingQueue<Event> buffer;
    private final boolean fromNow;
    private final CountDownLatch established = new CountDownLatch(1);
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock.
    private final long afterRevision;
    private long lastRevision;
    private int generation;
    private Watcher stream;
    private long brokenSinceNanos;
    private long backoffNanos = FIRST_BACKOFF_NANOS;
    private int streamsOpened;
    private volatile StoreException failure;
    private volatile boolean closed;

    /** Watch settings shared by a store's watches. */
    record Settings(io.etcd.jetcd.Watch client, int capacity, Duration resumeWithin,
                    ScheduledExecutorService scheduler, KnownCompaction compaction, EtcdErrors errors) {
    }

    /**
     * A watch of {@code prefix} for the events after {@code afterRevision}; call {@link #start}.
     *
     * @param fromNow whether {@code afterRevision} is etcd's current revision, just read
     * @param onEnd   called once when the watch ends, whichever way
     */
    EtcdWatch(Settings settings, String prefix, long afterRevision, boolean fromNow, Consumer<EtcdWatch> onEnd) {
        this.client = settings.client();
        this.prefix = prefix;
        this.capacity = settings.capacity();
        this.resumeWithinNanos = settings.resumeWithin().toNanos();
        this.scheduler = settings.scheduler();
        this.compaction = settings.compaction();
        this.errors = settings.errors();
        this.onEnd = onEnd;
        this.buffer = new ArrayBlockingQueue<>(capacity + 1); // + 1: room for the wake-up sentinel
        this.afterRevision = afterRevision;
        this.lastRevision = afterRevision;
        this.fromNow = fromNow;
    }

    /** Opens the first stream; if the start is known to be compacted, fails the first poll instead. */
    void start() {
        long compacted = compaction.revision();
        if (afterRevision < compacted) {
            fail(new StoreException.Compacted(afterRevision, compacted));
            return;
        }
        openStream();
    }

    /**
     * Waits until etcd has registered the watch (so that every later write reaches it) or the
     * watch has failed; false if neither happened within {@code timeout}.
     */
    boolean awaitEstablished(Duration timeout) throws InterruptedException {
        return established.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void openStream() {
        int gen;
        long from;
        lock.lock();
        try {
            if (ended()) {
                return;
            }
            gen = ++generation;
            // A watch from now starts after the current revision: etcd then counts it as caught up
            // at once, and no compaction can cancel it. Any other stream starts at the last revision
            // seen, not the one after: etcd then refuses it exactly when that revision is below its
            // compact revision, as KvStore#watch says, even for a compaction this store was not told
            // of (and never serves it from a compact revision whose deletions it has dropped). The
            // events at that revision are dropped as already seen.
            from = streamsOpened == 0 && fromNow ? lastRevision + 1 : Math.max(1, lastRevision);
            streamsOpened++;
        } finally {
            lock.unlock();
        }
        WatchOption option = WatchOption.builder()
                .withRange(Conversions.prefixEnd(prefix))
                .withRevision(from)
                .withPrevKV(true)
                .withCreateNotify(true)
                .withRequireLeader(true)
                .build();
        Watcher opened;
        try {
            opened = client.watch(Conversions.key(prefix), option, new StreamListener(gen));
        } catch (RuntimeException e) { // jetcd's client is closed
            fail(errors.unavailable("cannot open a watch of " + prefix + ": " + e.getMessage(), e));
            return;
        }
        lock.lock();
        try {
            if (gen == generation && !ended()) {
                stream = opened;
                opened = null;
            }
        } finally {
            lock.unlock();
        }
        if (opened != null) { // superseded or ended while it opened
            opened.close();
        }
    }

    private void onEvents(int gen, WatchResponse response) {
        StoreException dropped = null;
        lock.lock();
        try {
            if (gen != generation || ended()) {
                return;
            }
            brokenSinceNanos = 0; // created, or events: the stream works
            backoffNanos = FIRST_BACKOFF_NANOS;
            established.countDown();
            long seen = lastRevision; // a resumed stream repeats revisions up to this one
            for (WatchEvent e : response.getEvents()) {
                long revision = e.getKeyValue().getModRevision();
                if (revision <= seen) {
                    continue;
                }
                Event event = Conversions.event(e);
                if (event == null) {
                    dropped = new StoreException.Compacted(revision - 1, compaction.learn(revision));
                    break;
                }
                if (buffer.size() >= capacity) {
                    dropped = new StoreException.Unavailable("the watch of " + prefix + " fell behind by more than "
                            + capacity + " events and was dropped; re-watch from the last revision seen");
                    break;
                }
                buffer.add(event);
                lastRevision = revision;
            }
        } catch (RuntimeException e) {
            dropped = errors.unavailable("etcd sent a watch response that cannot be read: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        if (dropped != null) {
            fail(dropped);
        }
    }

    /**
     * The stream ended, with {@code cause} or (null) without a reason. A compacted start ends the
     * watch; anything else opens a new stream after a back-off, until the outage has lasted longer
     * than the request timeout.
     */
    private void onBroken(int gen, Throwable cause) {
        StoreException giveUp = null;
        Watcher old = null;
        long delay = 0;
        lock.lock();
        try {
            if (gen != generation || ended()) {
                return;
            }
            RuntimeException translated = cause == null ? null : errors.translate(cause, lastRevision, lastRevision + 1);
            long now = System.nanoTime();
            if (brokenSinceNanos == 0) {
                brokenSinceNanos = now;
            }
            if (translated instanceof StoreException.Compacted compacted) {
                giveUp = compacted;
            } else if (now - brokenSinceNanos > resumeWithinNanos) {
                giveUp = errors.unavailable("the watch of " + prefix + " lost its stream and could not resume within "
                        + Duration.ofNanos(resumeWithinNanos) + ": "
                        + (cause == null ? "the stream ended" : cause.getMessage()), cause);
            } else {
                generation++; // ignore the broken stream from now on
                old = stream;
                stream = null;
                delay = backoffNanos;
                backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
            }
        } finally {
            lock.unlock();
        }
        if (giveUp != null) {
            fail(giveUp);
            return;
        }
        closeLater(old);
        try {
            scheduler.schedule(this::openStream, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            fail(new StoreException.Unavailable("the store is closed"));
        }
    }

    /** Ends the watch: the consumer's next poll throws {@code e}. */
    void fail(StoreException e) {
        Watcher old;
        lock.lock();
        try {
            if (ended()) {
                return;
            }
            failure = e;
            old = endLocked();
        } finally {
            lock.unlock();
        }
        closeLater(old);
        onEnd.accept(this);
    }

    /** Drops the buffered events, wakes the consumer, and hands back the stream to close. */
    private Watcher endLocked() {
        established.countDown();
        generation++;
        buffer.clear();
        buffer.offer(WAKE_UP);
        Watcher old = stream;
        stream = null;
        return old;
    }

    private boolean ended() {
        return closed || failure != null;
    }

    /**
     * Closes a jetcd stream off the caller's thread: jetcd may be calling us under its lock, and
     * closing from there would end the stream twice.
     */
    private void closeLater(Watcher w) {
        if (w == null) {
            return;
        }
        try {
            scheduler.execute(() -> closeQuietly(w));
        } catch (RejectedExecutionException e) {
            closeQuietly(w); // the store is closing and closes jetcd's watch client with it
        }
    }

    private static void closeQuietly(Watcher w) {
        try {
            w.close();
        } catch (RuntimeException ignored) {
            // already closed with its client
        }
    }

    /** Whether the watch has failed (its consumer will be told at its next poll). */
    boolean failed() {
        return failure != null;
    }

    /** How many times this watch opened a new stream after its first broke. */
    int resumes() {
        lock.lock();
        try {
            return Math.max(0, streamsOpened - 1);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Event> poll(Duration timeout) throws InterruptedException {
        checkOpen();
        Event first = buffer.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            checkOpen();
            return List.of();
        }
        List<Event> out = new ArrayList<>();
        out.add(first);
        buffer.drainTo(out, MAX_BATCH - 1);
        if (out.getLast() == WAKE_UP) {
            out.removeLast();
            if (out.isEmpty()) {
                checkOpen();
            }
        }
        return out;
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
        Watcher old;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            old = endLocked();
        } finally {
            lock.unlock();
        }
        closeLater(old);
        onEnd.accept(this);
    }

    /** Receives one stream's callbacks from jetcd. */
    private final class StreamListener implements Listener {
        private final int gen;

        StreamListener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onNext(WatchResponse response) {
            onEvents(gen, response);
        }

        @Override
        public void onError(Throwable cause) {
            onBroken(gen, cause);
        }

        @Override
        public void onCompleted() {
            onBroken(gen, null);
        }
    }
}
