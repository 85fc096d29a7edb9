package io.outpost.agent.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.outpost.agent.runtime.ContainerState;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One container of the process runtime: its directory ({@code record.properties}, the pipes, the
 * shim's {@code exit} and {@code child.pid}), its latest record, and what this agent process holds
 * for it — the shim's {@link Process} when this agent spawned it (not after an adoption) and the
 * log pump.
 *
 * <p>Thread model: fields are volatile; the runtime serialises calls for one container (they come
 * from its pod's worker), so a record is only replaced by one thread at a time.
 */
final class ProcessContainer {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessContainer.class);

    private final Path dir;
    private volatile ContainerRecord record;
    private volatile Process process;
    private volatile LogPump pump;

    ProcessContainer(Path dir, ContainerRecord record) {
        this.dir = dir;
        this.record = record;
    }

    Path dir() {
        return dir;
    }

    ContainerRecord record() {
        return record;
    }

    /** Persists {@code next} and makes it the container's record. */
    void save(ContainerRecord next) throws IOException {
        next.save(dir.resolve("record.properties"));
        record = next;
    }

    void spawned(Process p) {
        process = p;
    }

    /** Opens the container's pipes and its CRI log; call before the container starts. */
    void openLog(ProcessRuntime.Config config) {
        ContainerRecord r = record;
        try {
            CriLogWriter writer = new CriLogWriter(r.config().logPath(), config.logMaxBytes(), config.logMaxFiles(), config.clock());
            pump = new LogPump(dir.resolve("stdout"), dir.resolve("stderr"), writer, () -> !alive());
        } catch (IOException e) {
            LOG.warn("container {}: its output is not logged: {}", r.id(), e.toString());
        }
    }

    /** Moves the container's output into its CRI log until it has exited. */
    void startPump() {
        LogPump p = pump;
        if (p != null) {
            Thread.ofVirtual().name("logs-" + record.id()).start(p);
        }
    }

    /** The container did not start: closes what {@link #openLog} opened. */
    void abandonLog() {
        LogPump p = pump;
        pump = null;
        if (p != null) {
            p.abandon();
        }
    }

    void stopPump() {
        LogPump p = pump;
        if (p != null) {
            p.stop();
        }
    }

    /** True while the shim runs: asked of the {@link Process} if this agent spawned it, else of {@code /proc}. */
    boolean alive() {
        Process p = process;
        if (p != null) {
            return p.isAlive();
        }
        return record.proc().alive();
    }

    /** Waits for the shim to end; true if it did within {@code timeout}. */
    boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Process p = process;
            if (p != null) {
                return p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
            while (record.proc().alive()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Brings a running container's record up to date: if its shim has ended, records how — the
     * shim's exit file, else the shim's own status when this agent spawned it, else SIGKILL if the
     * agent was stopping it, else lost ({@code Unknown}, 255, as after a reboot). An exit the
     * cgroup saw as an OOM kill is {@code OOMKilled}.
     */
    ContainerRecord refresh(Clock clock, Cgroups cgroups) {
        ContainerRecord r = record;
        if (r.state() != ContainerState.RUNNING || alive()) {
            return r;
        }
        Path exitFile = dir.resolve("exit");
        Instant now = clock.instant();
        Instant finished = now;
        int code;
        String reason;
        try {
            if (Files.exists(exitFile)) {
                code = Integer.parseInt(Files.readString(exitFile).strip());
                finished = Files.getLastModifiedTime(exitFile).toInstant();
                if (finished.isAfter(now) || finished.isBefore(r.startedAt())) {
                    finished = now; // the agent's clock is not the file system's (a fake clock in tests)
                }
                reason = code == 0 ? "Completed" : "Error";
            } else if (process != null) {
                code = process.exitValue();
                reason = code == 0 ? "Completed" : "Error";
            } else if (r.stopRequested()) {
                code = 137;
                reason = "Error";
            } else {
                code = 255;
                reason = "Unknown";
            }
        } catch (IOException | NumberFormatException e) {
            code = 255;
            reason = "Unknown";
        }
        if (code != 0 && cgroups.oomKilled(r.id())) {
            reason = "OOMKilled";
        }
        ContainerRecord done = r.exited(finished, code, reason, "");
        try {
            save(done);
        } catch (IOException e) {
            LOG.warn("exit of container {} not recorded: {}", r.id(), e.toString());
            record = done;
        }
        return done;
    }
}
