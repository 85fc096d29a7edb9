package io.outpost.store;

import java.time.Duration;

/**
 * How much history a store keeps. Every {@code interval} it compacts so that it keeps at most
 * {@code window} of history and at most {@code maxRevisions} revisions, whichever is less, so the
 * history (and the database file) stays bounded on a small disk under any write rate.
 *
 * <p>kube-apiserver compacts every 5 minutes to the revision it saw at the previous tick; kine
 * keeps the last 1,000 revisions. A watcher further behind than this gets
 * {@link StoreException.Compacted} and re-lists, as Kubernetes clients do on 410 Gone.
 *
 * @param interval     how often to compact; {@link Duration#ZERO} disables automatic compaction
 * @param window       history younger than this is kept unless {@code maxRevisions} says otherwise
 * @param maxRevisions at most this many revisions of history are kept
 */
public record CompactionPolicy(Duration interval, Duration window, long maxRevisions) {

    public static final CompactionPolicy DEFAULT =
            new CompactionPolicy(Duration.ofMinutes(1), Duration.ofMinutes(5), 100_000);

    public static final CompactionPolicy DISABLED = new CompactionPolicy(Duration.ZERO, Duration.ZERO, 0);

    public CompactionPolicy {
        if (interval.isNegative() || window.isNegative() || maxRevisions < 0) {
            throw new IllegalArgumentException("compaction interval, window and maxRevisions must not be negative");
        }
        if (!interval.isZero() && maxRevisions == 0) {
            throw new IllegalArgumentException("maxRevisions must be positive when compaction is enabled");
        }
    }

    public boolean enabled() {
        return !interval.isZero();
    }
}
