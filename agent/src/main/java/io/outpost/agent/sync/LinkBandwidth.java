package io.outpost.agent.sync;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The downstream bandwidth of the link, measured passively from the tunnel's own large messages
 * (a big ConfigMap or Secret, a pod with a large spec) so that a metered link carries no probe
 * traffic: for the scheduler's {@code link.outpost.io/bandwidth-kbps}.
 *
 * <p>A message arrives in parts as its bytes come off the socket. Its rate is the bytes after
 * its first part over the time from the first part to the last: the first part's bytes had
 * already arrived when it was seen, so they are left out, and both ends of the interval are seen
 * at the agent, so no round trip is in it (a sender-side measure, from first byte sent to the
 * acknowledgement, would have to take one out). Only messages of at least {@link #MIN_BYTES} after
 * their first part are measured: a smaller one is a burst of a few TCP segments, which says more
 * about buffers than about the link. The samples are smoothed (an exponentially weighted mean,
 * weight {@value #WEIGHT}); the estimate stays across reconnects, as the link is the same link.
 *
 * <p>Limits: a message whose bytes waited in the socket buffer while the agent was still
 * persisting the previous one arrives faster than the link carried it, so on a link faster than
 * the agent's disk the estimate is high; it is the slow links, where the agent waits for bytes,
 * that the scheduler needs to tell apart, and those are measured as they are.
 *
 * <p>A message's parts are found in the reads off the tunnel's socket by {@link FrameParts}
 * (Java-WebSocket itself shows a message only once it is whole).
 *
 * <p>Thread model: {@link #connection()} is called by the sync loop per connection; each
 * {@link Timing} by that connection's read thread only, one read at a time; {@link #kbps()} from
 * any thread.
 */
public final class LinkBandwidth {

    /** The least bytes, after a message's first part, that make a sample. */
    public static final long MIN_BYTES = 16 * 1024;
    static final double WEIGHT = 0.25;

    private final ReentrantLock lock = new ReentrantLock();
    private double smoothedKbps = -1; // guarded by lock
    private final AtomicLong published = new AtomicLong(-1);

    /** The smoothed downstream bandwidth in kilobits per second, or -1 before the first sample. */
    public long kbps() {
        return published.get();
    }

    /** Timing for the messages of one new connection. */
    Timing connection() {
        return new Timing(this);
    }

    /**
     * Takes one measured transfer: {@code bytes} that arrived over {@code nanos}. Answers whether
     * it counted (big enough and over a positive time).
     */
    boolean sample(long bytes, long nanos) {
        if (bytes < MIN_BYTES || nanos <= 0) {
            return false;
        }
        double kbps = bytes * 8.0 / 1000 / (nanos / (double) TimeUnit.SECONDS.toNanos(1));
        lock.lock();
        try {
            smoothedKbps = smoothedKbps < 0 ? kbps : smoothedKbps + WEIGHT * (kbps - smoothedKbps);
            published.set(Math.max(1, Math.round(smoothedKbps)));
        } finally {
            lock.unlock();
        }
        return true;
    }

    /**
     * Times the messages of one connection, part by part, and hands each large one to its
     * {@link LinkBandwidth}. Not thread-safe: one read thread's calls, one at a time.
     */
    static final class Timing {
        private final LinkBandwidth bandwidth;
        private boolean inMessage;
        private long firstAt;
        private long afterFirst;

        private Timing(LinkBandwidth bandwidth) {
            this.bandwidth = bandwidth;
        }

        /**
         * A part of {@code bytes} arrived at {@code nowNanos} ({@link System#nanoTime()}'s
         * scale); {@code last} if it ends its message. Answers whether it ended a measured message.
         */
        boolean part(long bytes, boolean last, long nowNanos) {
            if (!inMessage) {
                inMessage = true;
                firstAt = nowNanos;
                afterFirst = 0;
            } else {
                afterFirst += bytes;
            }
            if (!last) {
                return false;
            }
            inMessage = false;
            return bandwidth.sample(afterFirst, nowNanos - firstAt);
        }
    }
}
