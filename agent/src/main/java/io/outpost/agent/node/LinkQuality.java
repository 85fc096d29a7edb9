package io.outpost.agent.node;

/**
 * The link to the server as the sync layer measures it, for the scheduler's LinkQuality plugin
 * (annotations {@code link.outpost.io/rtt-ms} and {@code link.outpost.io/bandwidth-kbps}).
 *
 * @param rttMs         round-trip time in milliseconds, or -1 when unknown (no annotation)
 * @param bandwidthKbps usable bandwidth in kilobits per second, or -1 when unknown
 */
public record LinkQuality(long rttMs, long bandwidthKbps) {

    public static final LinkQuality UNKNOWN = new LinkQuality(-1, -1);
}
