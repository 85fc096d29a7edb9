package io.outpost.scheduler.framework;

import java.util.List;

/**
 * Ranks the feasible nodes. Scores end up between 0 and {@link #MAX_NODE_SCORE} (after
 * {@link #normalize}), are multiplied by the plugin's weight in the profile, and summed.
 */
public interface ScorePlugin extends Plugin {

    long MAX_NODE_SCORE = 100;

    long score(CycleState state, PodInfo pod, NodeInfo node);

    /** Rescales the raw scores of all feasible nodes, in place; by default they are already 0..100. */
    default void normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
    }

    /**
     * Kube's {@code helper.DefaultNormalizeScore}: scales so the highest is 100 (or, reversed, so
     * the highest becomes 0 and 0 becomes 100). All zero stays all zero (or all 100 reversed).
     */
    static void defaultNormalize(long[] scores, boolean reverse) {
        long max = 0;
        for (long s : scores) {
            max = Math.max(max, s);
        }
        for (int i = 0; i < scores.length; i++) {
            long s = max == 0 ? 0 : MAX_NODE_SCORE * scores[i] / max;
            scores[i] = reverse ? MAX_NODE_SCORE - s : s;
        }
    }
}
