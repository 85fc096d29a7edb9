package io.outpost.controllers.nodelifecycle;

import java.time.Duration;

/**
 * How long the node lifecycle controller waits for signs of life (kube-controller-manager's
 * flags of the same names).
 *
 * @param nodeMonitorGracePeriod how long a node may go without renewing its lease or changing its
 *                               Ready heartbeat before it is unreachable ({@code --node-monitor-grace-period}, 40 s)
 * @param nodeStartupGracePeriod the same for a node that never reported Ready
 *                               ({@code --node-startup-grace-period}, 1 min)
 */
public record Timings(Duration nodeMonitorGracePeriod, Duration nodeStartupGracePeriod) {

    public Timings {
        if (nodeMonitorGracePeriod.isNegative() || nodeMonitorGracePeriod.isZero()
                || nodeStartupGracePeriod.isNegative() || nodeStartupGracePeriod.isZero()) {
            throw new IllegalArgumentException("grace periods must be positive, got " + nodeMonitorGracePeriod
                    + " and " + nodeStartupGracePeriod);
        }
    }

    /** kube's defaults: 40 s and 1 min. */
    public static Timings defaults() {
        return new Timings(Duration.ofSeconds(40), Duration.ofMinutes(1));
    }
}
