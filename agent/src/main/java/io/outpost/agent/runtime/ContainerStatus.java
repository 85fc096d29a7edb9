package io.outpost.agent.runtime;

import java.time.Instant;

/**
 * A container as the runtime knows it (CRI {@code ContainerStatus}).
 *
 * @param createdAt  when created
 * @param startedAt  null until started
 * @param finishedAt null until exited
 * @param exitCode   meaningful once {@link ContainerState#EXITED}
 * @param reason     once exited: {@code Completed}, {@code Error}, {@code OOMKilled}, or
 *                   {@code Unknown} when the runtime lost it (a host reboot)
 * @param message    a human note, may be empty
 */
public record ContainerStatus(String id, String sandboxId, ContainerConfig config, ContainerState state,
                              Instant createdAt, Instant startedAt, Instant finishedAt, int exitCode,
                              String reason, String message) {

    public String name() {
        return config.name();
    }

    public int attempt() {
        return config.attempt();
    }

    public boolean running() {
        return state == ContainerState.RUNNING;
    }
}
