package io.outpost.controllers.runtime;

import java.time.Clock;

/**
 * What every controller takes from its configuration.
 *
 * @param workers how many keys it syncs at once (kube's {@code --concurrent-*-syncs}); never the same key twice
 * @param clock   every timestamp, deadline and back-off it computes
 */
public record ControllerConfig(int workers, Clock clock) {
    public ControllerConfig {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
    }
}
