package io.outpost.agent.runtime.simulated;

import java.time.Duration;
import java.util.Optional;

import io.outpost.agent.runtime.ContainerConfig;

/**
 * When a simulated container "exits": for a container about to start, how long it runs and with
 * which exit code; empty for one that runs until stopped. Lets scale and conformance runs exercise
 * restart policies without processes.
 */
@FunctionalInterface
public interface SimulatedExits {

    /** A simulated exit: after {@code after} of running, with {@code exitCode}. */
    record Exit(Duration after, int exitCode) {
    }

    Optional<Exit> exitOf(ContainerConfig container);

    /** Every container runs until it is stopped. */
    SimulatedExits NEVER = c -> Optional.empty();

    /**
     * Reads the container's env: {@code OUTPOST_SIMULATED_EXIT_CODE} (and optionally
     * {@code OUTPOST_SIMULATED_RUN_SECONDS}, default 0) make it exit; otherwise it runs until stopped.
     */
    SimulatedExits FROM_ENV = c -> {
        String code = c.env().get("OUTPOST_SIMULATED_EXIT_CODE");
        if (code == null) {
            return Optional.empty();
        }
        try {
            long seconds = Long.parseLong(c.env().getOrDefault("OUTPOST_SIMULATED_RUN_SECONDS", "0"));
            return Optional.of(new Exit(Duration.ofSeconds(seconds), Integer.parseInt(code)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    };
}
