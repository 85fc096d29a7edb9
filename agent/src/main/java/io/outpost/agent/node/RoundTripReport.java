package io.outpost.agent.node;

import java.time.Duration;
import java.time.Instant;

/**
 * Turns the tunnel's heartbeat round trips into the {@code link.outpost.io/rtt-ms} the node
 * reports for the scheduler's LinkQuality plugin. Every change of the reported value is a write
 * to the Node and bytes on a metered link, while a heartbeat's round trip jitters with the load
 * on both ends; so the samples are smoothed (an exponentially weighted mean, as TCP smooths its
 * RTT, RFC 6298 uses 1/8) and the reported value moves only when the smoothed one differs from it
 * by more than half and by more than 10 ms, and at most once per {@link #MIN_INTERVAL}. The
 * first sample is reported at once.
 *
 * <p>Thread model: one caller at a time (the agent's metadata loop); not thread-safe.
 */
public final class RoundTripReport {

    /** The least time between two changes of the reported round trip. */
    public static final Duration MIN_INTERVAL = Duration.ofMinutes(10);
    private static final double WEIGHT = 1.0 / 8;
    private static final long MIN_CHANGE_MS = 10;

    private double smoothed = -1;
    private long reported = -1;
    private Instant reportedAt = Instant.MIN;

    /**
     * Takes a sample ({@code measuredMs}, or a negative value when none was measured) at {@code now}
     * and answers the round trip to report, or -1 while none is known.
     */
    public long sample(long measuredMs, Instant now) {
        if (measuredMs >= 0) {
            smoothed = smoothed < 0 ? measuredMs : smoothed + WEIGHT * (measuredMs - smoothed);
        }
        if (smoothed < 0) {
            return reported;
        }
        long candidate = Math.round(smoothed);
        boolean first = reported < 0;
        boolean moved = Math.abs(candidate - reported) > Math.max(MIN_CHANGE_MS, reported / 2);
        boolean due = !now.isBefore(reportedAt.plus(MIN_INTERVAL));
        if (first || (moved && due)) {
            reported = candidate;
            reportedAt = now;
        }
        return reported;
    }
}
