package io.outpost.agent.node;

/**
 * Turns the sync layer's smoothed bandwidth estimate into the {@code link.outpost.io/bandwidth-kbps}
 * the node reports for the scheduler's LinkQuality plugin. Every change of the reported value is a
 * write to the Node and bytes on the link, and the plugin scores bandwidth on a log scale (a
 * tenfold change moves the score by about 8 of 100), so the reported value moves only when the
 * estimate differs from it by more than {@value #MIN_CHANGE_PERCENT}%. Nothing is reported until
 * the first estimate; a lost estimate keeps the last reported value.
 *
 * <p>Thread model: one caller at a time (the agent's metadata loop); not thread-safe.
 */
public final class BandwidthReport {

    static final int MIN_CHANGE_PERCENT = 20;

    private long reported = -1;

    /** Takes the current estimate ({@code kbps}, negative when unknown) and answers the bandwidth to report, or -1. */
    public long sample(long kbps) {
        if (kbps < 0) {
            return reported;
        }
        if (reported < 0 || Math.abs(kbps - reported) * 100 > (long) MIN_CHANGE_PERCENT * reported) {
            reported = kbps;
        }
        return reported;
    }
}
