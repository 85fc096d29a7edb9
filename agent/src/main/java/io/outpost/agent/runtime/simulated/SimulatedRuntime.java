package io.outpost.agent.runtime.simulated;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.ContainerRuntime;
import io.outpost.agent.runtime.ContainerState;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.ExecResult;
import io.outpost.agent.runtime.RuntimeFailure;
import io.outpost.agent.runtime.RuntimeInfo;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.agent.runtime.SandboxStatus;

/**
 * A runtime that runs nothing: containers go through Created → Running (→ Exited when {@link
 * SimulatedExits} says so, judged against the injected clock), exec always succeeds. For scale
 * tests and API conformance runs only; the node says so with the label
 * {@code node.outpost.io/runtime=simulated}. State is in memory: an agent restart starts afresh.
 *
 * <p>Thread model: any thread; one lock over the maps.
 */
public final class SimulatedRuntime implements ContainerRuntime {

    public static final String VERSION = "0.1.0";

    private record Sandbox(String id, SandboxConfig config, boolean ready, Instant createdAt) {
    }

    private record Entry(String id, String sandboxId, ContainerConfig config, ContainerState state, Instant createdAt,
                         Instant startedAt, Instant finishedAt, int exitCode, String reason, SimulatedExits.Exit exit) {
    }

    private final Clock clock;
    private final SimulatedExits exits;
    private final String ip;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Sandbox> sandboxes = new LinkedHashMap<>();
    private final Map<String, Entry> containers = new LinkedHashMap<>();

    public SimulatedRuntime(Clock clock, SimulatedExits exits, String ip) {
        this.clock = clock;
        this.exits = exits;
        this.ip = ip;
    }

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo("simulated", VERSION, Map.of(RuntimeInfo.RUNTIME_LABEL, "simulated"), Map.of());
    }

    @Override
    public String runPodSandbox(SandboxConfig config) {
        lock.lock();
        try {
            String id = UUID.randomUUID().toString().replace("-", "");
            sandboxes.put(id, new Sandbox(id, config, true, clock.instant()));
            return id;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stopPodSandbox(String sandboxId) {
        lock.lock();
        try {
            Sandbox s = sandboxes.get(sandboxId);
            if (s != null) {
                sandboxes.put(sandboxId, new Sandbox(s.id(), s.config(), false, s.createdAt()));
                for (Entry e : List.copyOf(containers.values())) {
                    if (e.sandboxId().equals(sandboxId)) {
                        exit(e, 137, "Error");
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void removePodSandbox(String sandboxId) {
        lock.lock();
        try {
            sandboxes.remove(sandboxId);
            containers.values().removeIf(e -> e.sandboxId().equals(sandboxId));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<SandboxStatus> listPodSandboxes() {
        lock.lock();
        try {
            List<SandboxStatus> out = new ArrayList<>();
            for (Sandbox s : sandboxes.values()) {
                out.add(new SandboxStatus(s.id(), s.config(), s.ready(), ip, s.createdAt()));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String createContainer(String sandboxId, ContainerConfig config) throws RuntimeFailure {
        lock.lock();
        try {
            if (!sandboxes.containsKey(sandboxId)) {
                throw new RuntimeFailure(RuntimeFailure.CREATE_CONTAINER_ERROR, "sandbox " + sandboxId + " not found");
            }
            String id = UUID.randomUUID().toString().replace("-", "");
            containers.put(id, new Entry(id, sandboxId, config, ContainerState.CREATED, clock.instant(), null, null, 0, "", null));
            return id;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void startContainer(String containerId) throws RuntimeFailure {
        lock.lock();
        try {
            Entry e = containers.get(containerId);
            if (e == null || e.state() != ContainerState.CREATED) {
                throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "container " + containerId + " is not created");
            }
            containers.put(containerId, new Entry(e.id(), e.sandboxId(), e.config(), ContainerState.RUNNING, e.createdAt(),
                    clock.instant(), null, 0, "", exits.exitOf(e.config()).orElse(null)));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        lock.lock();
        try {
            Entry e = advance(containers.get(containerId));
            if (e != null && e.state() == ContainerState.RUNNING) {
                exit(e, 137, "Error");
            }
        } finally {
            lock.unlock();
        }
    }

    private void exit(Entry e, int code, String reason) {
        containers.put(e.id(), new Entry(e.id(), e.sandboxId(), e.config(), ContainerState.EXITED, e.createdAt(), e.startedAt(),
                clock.instant(), code, reason, null));
    }

    /** Applies a simulated exit that is due. Called with the lock held. */
    private Entry advance(Entry e) {
        if (e == null || e.state() != ContainerState.RUNNING || e.exit() == null) {
            return e;
        }
        Instant at = e.startedAt().plus(e.exit().after());
        if (clock.instant().isBefore(at)) {
            return e;
        }
        Entry done = new Entry(e.id(), e.sandboxId(), e.config(), ContainerState.EXITED, e.createdAt(), e.startedAt(), at,
                e.exit().exitCode(), e.exit().exitCode() == 0 ? "Completed" : "Error", null);
        containers.put(e.id(), done);
        return done;
    }

    @Override
    public void removeContainer(String containerId) {
        lock.lock();
        try {
            containers.remove(containerId);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ContainerStatus> listContainers() {
        return listContainers(Map.of());
    }

    @Override
    public List<ContainerStatus> listContainers(Map<String, String> labels) {
        lock.lock();
        try {
            List<ContainerStatus> out = new ArrayList<>();
            for (Entry e : List.copyOf(containers.values())) {
                if (e.config().labels().entrySet().containsAll(labels.entrySet())) {
                    out.add(status(advance(e)));
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<ContainerStatus> containerStatus(String containerId) {
        lock.lock();
        try {
            return Optional.ofNullable(advance(containers.get(containerId))).map(SimulatedRuntime::status);
        } finally {
            lock.unlock();
        }
    }

    private static ContainerStatus status(Entry e) {
        return new ContainerStatus(e.id(), e.sandboxId(), e.config(), e.state(), e.createdAt(), e.startedAt(), e.finishedAt(),
                e.exitCode(), e.reason(), "");
    }

    @Override
    public ExecResult execSync(String containerId, List<String> command, Duration timeout) {
        return new ExecResult(0, "", "", false);
    }

    @Override
    public void close() {
    }
}
