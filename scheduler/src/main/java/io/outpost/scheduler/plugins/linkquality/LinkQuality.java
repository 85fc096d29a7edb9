package io.outpost.scheduler.plugins.linkquality;

import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.ScorePlugin;

/**
 * Prefers nodes with a better link to the control plane: pods on them start sooner (image and
 * config delivery), report sooner, and are reachable for logs and exec.
 *
 * <p>The node agent measures its link and writes two annotations on its Node:
 * <ul>
 *   <li>{@code link.outpost.io/rtt-ms}: round-trip time to the server, in milliseconds (a
 *       decimal number, e.g. "42" or "3.5"), the agent's smoothed heartbeat RTT;</li>
 *   <li>{@code link.outpost.io/bandwidth-kbps}: usable bandwidth towards the node, in kilobits
 *       per second (e.g. "2000" for 2 Mbit/s).</li>
 * </ul>
 *
 * <p>Score (0..100) = the mean of an RTT score and a bandwidth score. RTT: 100 at 0 ms, falling
 * linearly to 0 at {@value #WORST_RTT_MS} ms or more. Bandwidth, on a log scale since edge links
 * span 64 kbit/s radio to 1 Gbit/s fibre: 0 at 1 kbit/s or less, 50 at 1 Mbit/s, 100 at 1 Gbit/s or
 * more. A missing or malformed annotation scores a neutral 50 for its half, so a node whose agent
 * has not measured yet is neither favoured nor shunned.
 */
public final class LinkQuality implements ScorePlugin {

    public static final String NAME = "LinkQuality";
    public static final String RTT_ANNOTATION = "link.outpost.io/rtt-ms";
    public static final String BANDWIDTH_ANNOTATION = "link.outpost.io/bandwidth-kbps";
    static final double WORST_RTT_MS = 1000;
    static final long NEUTRAL = 50;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        var annotations = node.node().getMetadata().getAnnotations();
        if (annotations == null) {
            return NEUTRAL;
        }
        return (rttScore(annotations.get(RTT_ANNOTATION)) + bandwidthScore(annotations.get(BANDWIDTH_ANNOTATION))) / 2;
    }

    static long rttScore(String value) {
        double rtt = parse(value);
        if (Double.isNaN(rtt)) {
            return NEUTRAL;
        }
        return Math.round(MAX_NODE_SCORE * (1 - Math.min(rtt, WORST_RTT_MS) / WORST_RTT_MS));
    }

    static long bandwidthScore(String value) {
        double kbps = parse(value);
        if (Double.isNaN(kbps)) {
            return NEUTRAL;
        }
        // log10(1) = 0, log10(1e6 kbps = 1 Gbit/s) = 6
        double scaled = Math.log10(Math.max(kbps, 1)) / 6;
        return Math.round(MAX_NODE_SCORE * Math.min(scaled, 1));
    }

    private static double parse(String value) {
        if (value == null) {
            return Double.NaN;
        }
        try {
            double d = Double.parseDouble(value.trim());
            return d >= 0 && Double.isFinite(d) ? d : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
