package io.outpost.agent.pods;

import java.time.Duration;

/**
 * The crash-loop back-off's bounds. Kubelet's ({@code pkg/kubelet/kubelet.go}: {@code
 * backOffPeriod = 10s}, {@code MaxContainerBackOff = 300s}) doubles from 10 s to 5 min, and forgets
 * a container that ran without crashing for twice the maximum (10 min).
 */
public record BackOffPolicy(Duration initial, Duration max) {

    public static final BackOffPolicy KUBELET = new BackOffPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5));

    public BackOffPolicy {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max: " + initial + ", " + max);
        }
    }
}
