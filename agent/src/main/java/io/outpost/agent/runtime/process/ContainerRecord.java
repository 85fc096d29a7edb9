package io.outpost.agent.runtime.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.ContainerState;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.SandboxConfig;

/**
 * What the process runtime remembers of a container, persisted as {@code record.properties} ({@link RecordFile}) in the
 * container's directory so a restarted agent (or one started after a reboot) knows what ran:
 * the process's pid with its start time and the boot id (see {@link ProcStat}), and once it has
 * exited, how.
 *
 * @param pid           0 until started
 * @param stopRequested the agent asked it to stop (a shim killed without an exit file then exited
 *                      by SIGKILL, not by being lost)
 */
record ContainerRecord(String id, String sandboxId, ContainerConfig config, Instant createdAt, Instant startedAt,
                       Instant finishedAt, long pid, long pidStartTicks, String bootId, int exitCode, String reason,
                       String message, boolean stopRequested) {

    ContainerState state() {
        if (finishedAt != null) {
            return ContainerState.EXITED;
        }
        return pid > 0 ? ContainerState.RUNNING : ContainerState.CREATED;
    }

    ContainerRecord started(Instant at, ProcStat proc) {
        return new ContainerRecord(id, sandboxId, config, createdAt, at, null, proc.pid(), proc.startTicks(), proc.bootId(), 0, "", "", false);
    }

    ContainerRecord stopping() {
        return new ContainerRecord(id, sandboxId, config, createdAt, startedAt, finishedAt, pid, pidStartTicks, bootId, exitCode, reason,
                message, true);
    }

    ContainerRecord exited(Instant at, int code, String why, String note) {
        return new ContainerRecord(id, sandboxId, config, createdAt, startedAt == null ? at : startedAt, at, pid, pidStartTicks, bootId,
                code, why, note, stopRequested);
    }

    ProcStat proc() {
        return new ProcStat(pid, pidStartTicks, bootId);
    }

    ContainerStatus status() {
        return new ContainerStatus(id, sandboxId, config, state(), createdAt, startedAt, finishedAt, exitCode, reason, message);
    }

    void save(Path file) throws IOException {
        RecordFile.save(file, this);
    }

    static ContainerRecord load(Path file) throws IOException {
        return RecordFile.loadContainer(file);
    }

    /** A sandbox as persisted in {@code sandboxes/<id>.properties}. */
    record Sandbox(String id, SandboxConfig config, boolean ready, Instant createdAt) {

        void save(Path file) throws IOException {
            RecordFile.save(file, this);
        }

        static Sandbox load(Path file) throws IOException {
            return RecordFile.loadSandbox(file);
        }
    }
}
