package io.outpost.agent.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.ContainerRuntime;
import io.outpost.agent.runtime.ContainerState;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.ExecResult;
import io.outpost.agent.runtime.RuntimeFailure;
import io.outpost.agent.runtime.RuntimeInfo;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.agent.runtime.SandboxStatus;
import io.outpost.agent.volume.AtomicWriter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code process} runtime: each container is a host process running the container's
 * {@code command} and {@code args} (the image is recorded, not pulled), under a shim in its own
 * process group (see {@link ProcessLauncher}), with cgroup CPU and memory limits where the host
 * allows them ({@link Cgroups}), its output in CRI-format log files rotated by size ({@link
 * CriLogWriter}). A sandbox is only a record: process pods share the host's network, so its IP is
 * the host's and it survives a reboot.
 *
 * <p>Volumes: a process cannot cheaply get its own mount namespace, so each container gets a root
 * directory ({@code $OUTPOST_ROOT}, also its default working directory) in which every
 * {@code mountPath} is a symlink to the volume's directory on the host: a program reads
 * {@code $OUTPOST_ROOT/etc/config/key}, or {@code etc/config/key} from its working directory. An
 * absolute {@code workingDir} that exists on the host is used as is, otherwise it is taken under
 * the root.
 *
 * <p>State lives under {@code <dataDir>/runtime/process}: a container's record, pipes and exit
 * status, so an agent restart adopts running processes and a reboot shows the lost ones as exited
 * ({@code Unknown}, 255, as containerd reports containers lost with the host).
 *
 * <p>Thread model: any thread; a lock guards the maps, never held while waiting on a process.
 */
public final class ProcessRuntime implements ContainerRuntime {

    public static final String VERSION = "0.1.0";
    /** Node annotation saying which resource limits this host enforces. */
    public static final String LIMITS_ANNOTATION = "node.outpost.io/process-runtime-limits";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRuntime.class);

    /**
     * @param stateDir    {@code <dataDir>/runtime/process}
     * @param sysfsCgroup {@code /sys/fs/cgroup}, or a path without cgroups to run without limits
     * @param logMaxBytes rotate a log at this size (kubelet's {@code containerLogMaxSize}, 10 MiB)
     * @param logMaxFiles keep this many files per container log (kubelet's {@code containerLogMaxFiles}, 5)
     */
    public record Config(Path stateDir, Clock clock, String hostIp, Path sysfsCgroup, long logMaxBytes, int logMaxFiles) {

        public static Config of(Path dataDir, Clock clock, String hostIp) {
            return new Config(dataDir.resolve("runtime").resolve("process"), clock, hostIp, Path.of("/sys/fs/cgroup"),
                    10L * 1024 * 1024, 5);
        }
    }

    private final Config config;
    private final Cgroups cgroups;
    private final ProcessLauncher launcher;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ContainerRecord.Sandbox> sandboxes = new LinkedHashMap<>();
    private final Map<String, ProcessContainer> containers = new LinkedHashMap<>();

    public ProcessRuntime(Config config) throws IOException {
        this.config = config;
        Files.createDirectories(config.stateDir().resolve("sandboxes"));
        Files.createDirectories(config.stateDir().resolve("containers"));
        this.cgroups = Cgroups.detect(config.sysfsCgroup());
        this.launcher = new ProcessLauncher(config.stateDir());
        load();
    }

    /** Reads what a previous agent left: adopts live processes, finishes the records of dead ones. */
    private void load() throws IOException {
        try (Stream<Path> files = Files.list(config.stateDir().resolve("sandboxes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".properties")).toList()) {
                ContainerRecord.Sandbox s = ContainerRecord.Sandbox.load(f);
                sandboxes.put(s.id(), s);
            }
        }
        try (Stream<Path> dirs = Files.list(config.stateDir().resolve("containers"))) {
            for (Path dir : dirs.toList()) {
                Path file = dir.resolve("record.properties");
                if (!Files.exists(file)) {
                    AtomicWriter.deleteTree(dir);
                    continue;
                }
                ProcessContainer c = new ProcessContainer(dir, ContainerRecord.load(file));
                ContainerRecord r = c.record();
                containers.put(r.id(), c);
                if (r.state() == ContainerState.RUNNING) {
                    if (c.alive()) {
                        LOG.info("adopted container {} ({}) of pod {}: pid {} still running", r.config().name(), r.id(),
                                r.config().labels().get("io.kubernetes.pod.name"), r.pid());
                        c.openLog(config);
                        c.startPump();
                    } else {
                        c.refresh(config.clock(), cgroups);
                    }
                }
            }
        }
    }

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo("process", VERSION, Map.of(RuntimeInfo.RUNTIME_LABEL, "process"), Map.of(LIMITS_ANNOTATION, cgroups.note()));
    }

    private Path dir(String containerId) {
        return config.stateDir().resolve("containers").resolve(containerId);
    }

    private Path sandboxFile(String id) {
        return config.stateDir().resolve("sandboxes").resolve(id + ".properties");
    }

    @Override
    public String runPodSandbox(SandboxConfig sandbox) throws RuntimeFailure {
        String id = UUID.randomUUID().toString().replace("-", "");
        ContainerRecord.Sandbox s = new ContainerRecord.Sandbox(id, sandbox, true, config.clock().instant());
        try {
            s.save(sandboxFile(id));
        } catch (IOException e) {
            throw new RuntimeFailure(RuntimeFailure.CREATE_SANDBOX_ERROR, "cannot record sandbox: " + e.getMessage(), e);
        }
        lock.lock();
        try {
            sandboxes.put(id, s);
        } finally {
            lock.unlock();
        }
        return id;
    }

    @Override
    public void stopPodSandbox(String sandboxId) {
        for (ContainerStatus c : listContainers()) {
            if (c.sandboxId().equals(sandboxId) && c.running()) {
                stopContainer(c.id(), Duration.ZERO);
            }
        }
        lock.lock();
        try {
            ContainerRecord.Sandbox s = sandboxes.get(sandboxId);
            if (s != null && s.ready()) {
                ContainerRecord.Sandbox stopped = new ContainerRecord.Sandbox(s.id(), s.config(), false, s.createdAt());
                sandboxes.put(sandboxId, stopped);
                stopped.save(sandboxFile(sandboxId));
            }
        } catch (IOException e) {
            LOG.warn("sandbox {} stopped but not recorded: {}", sandboxId, e.toString());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void removePodSandbox(String sandboxId) {
        for (ContainerStatus c : listContainers()) {
            if (c.sandboxId().equals(sandboxId)) {
                removeContainer(c.id());
            }
        }
        lock.lock();
        try {
            sandboxes.remove(sandboxId);
            Files.deleteIfExists(sandboxFile(sandboxId));
        } catch (IOException e) {
            LOG.warn("sandbox {} record not removed: {}", sandboxId, e.toString());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<SandboxStatus> listPodSandboxes() {
        lock.lock();
        try {
            List<SandboxStatus> out = new ArrayList<>();
            for (ContainerRecord.Sandbox s : sandboxes.values()) {
                out.add(new SandboxStatus(s.id(), s.config(), s.ready(), config.hostIp(), s.createdAt()));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String createContainer(String sandboxId, ContainerConfig c) throws RuntimeFailure {
        if (c.command().isEmpty()) {
            throw new RuntimeFailure(RuntimeFailure.CREATE_CONTAINER_ERROR, "container " + c.name() + " has no command: the process "
                    + "runtime runs the container's command and args on the host (the image " + c.image() + " is not pulled, so its "
                    + "entrypoint is unknown); set spec.containers[].command");
        }
        lock.lock();
        try {
            if (!sandboxes.containsKey(sandboxId)) {
                throw new RuntimeFailure(RuntimeFailure.CREATE_CONTAINER_ERROR, "sandbox " + sandboxId + " not found");
            }
        } finally {
            lock.unlock();
        }
        String id = UUID.randomUUID().toString().replace("-", "");
        Path dir = dir(id);
        try {
            ContainerRoot.create(dir, c);
            ProcessContainer container = new ProcessContainer(dir, null);
            container.save(new ContainerRecord(id, sandboxId, c, config.clock().instant(), null, null, 0, 0, "", 0, "", "", false));
            lock.lock();
            try {
                containers.put(id, container);
            } finally {
                lock.unlock();
            }
            return id;
        } catch (IOException e) {
            throw new RuntimeFailure(RuntimeFailure.CREATE_CONTAINER_ERROR, "cannot create container " + c.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void startContainer(String containerId) throws RuntimeFailure {
        ProcessContainer container = live(containerId).orElseThrow(() -> new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR,
                "container " + containerId + " not found"));
        ContainerConfig c = container.record().config();
        Optional<String> unusable = launcher.unusable();
        if (unusable.isPresent()) {
            throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, unusable.get());
        }
        Path dir = dir(containerId);
        try {
            Map<String, String> env = ContainerRoot.environment(c, dir);
            Path cwd = ContainerRoot.workingDir(c, dir);
            String exe = c.command().getFirst();
            if (ProcessLauncher.resolve(exe, env.get("PATH"), cwd).isEmpty()) {
                throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "exec: \"" + exe + "\": executable file not found in $PATH "
                        + "(the process runtime runs the command on the host)");
            }
            List<Path> procs = cgroups.create(containerId, c.resources());
            if (!procs.isEmpty()) {
                Files.write(dir.resolve("cgroups"), procs.stream().map(Path::toString).toList());
            }
            List<String> argv = new ArrayList<>(c.command());
            argv.addAll(c.args());
            container.openLog(config);
            Process p = launcher.spawn(dir, argv, env, cwd);
            ProcStat proc = ProcStat.of(p.pid()).orElse(new ProcStat(p.pid(), 0, ProcStat.currentBootId()));
            container.spawned(p);
            container.save(container.record().started(config.clock().instant(), proc));
            container.startPump();
        } catch (IOException e) {
            container.abandonLog();
            throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "cannot start container " + c.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        Optional<ProcessContainer> found = live(containerId);
        if (found.isEmpty() || found.get().refresh(config.clock(), cgroups).state() != ContainerState.RUNNING) {
            return;
        }
        ProcessContainer container = found.get();
        try {
            container.save(container.record().stopping());
        } catch (IOException e) {
            LOG.debug("stop of {} not recorded: {}", containerId, e.toString());
        }
        // the shim leads the process group: TERM reaches the command (the shim ignores it), KILL both
        long pgid = container.record().pid();
        if (!timeout.isZero()) {
            launcher.signalGroup(pgid, "TERM");
            if (container.awaitExit(timeout)) {
                container.refresh(config.clock(), cgroups);
                return;
            }
        }
        launcher.signalGroup(pgid, "KILL");
        container.awaitExit(Duration.ofSeconds(10));
        container.refresh(config.clock(), cgroups);
    }

    @Override
    public void removeContainer(String containerId) {
        Optional<ProcessContainer> found = live(containerId);
        if (found.isEmpty()) {
            return;
        }
        stopContainer(containerId, Duration.ZERO);
        found.get().stopPump();
        lock.lock();
        try {
            containers.remove(containerId);
        } finally {
            lock.unlock();
        }
        cgroups.remove(containerId);
        try {
            AtomicWriter.deleteTree(dir(containerId));
        } catch (IOException e) {
            LOG.warn("container {} directory not removed: {}", containerId, e.toString());
        }
    }

    @Override
    public List<ContainerStatus> listContainers() {
        return listContainers(Map.of());
    }

    @Override
    public List<ContainerStatus> listContainers(Map<String, String> labels) {
        List<ProcessContainer> all = new ArrayList<>();
        lock.lock();
        try {
            for (ProcessContainer l : containers.values()) {
                if (l.record().config().labels().entrySet().containsAll(labels.entrySet())) {
                    all.add(l);
                }
            }
        } finally {
            lock.unlock();
        }
        List<ContainerStatus> out = new ArrayList<>(all.size());
        for (ProcessContainer l : all) {
            out.add(l.refresh(config.clock(), cgroups).status());
        }
        return out;
    }

    @Override
    public Optional<ContainerStatus> containerStatus(String containerId) {
        return live(containerId).map(l -> l.refresh(config.clock(), cgroups).status());
    }

    private Optional<ProcessContainer> live(String containerId) {
        lock.lock();
        try {
            return Optional.ofNullable(containers.get(containerId));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ExecResult execSync(String containerId, List<String> command, Duration timeout) throws RuntimeFailure {
        ProcessContainer container = live(containerId).orElseThrow(() -> new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR,
                "container " + containerId + " not found"));
        if (container.refresh(config.clock(), cgroups).state() != ContainerState.RUNNING) {
            throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "container " + containerId + " is not running");
        }
        if (command.isEmpty()) {
            throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "exec: empty command");
        }
        Path dir = dir(containerId);
        try {
            ContainerConfig c = container.record().config();
            return ProcessLauncher.exec(command, ContainerRoot.environment(c, dir), ContainerRoot.workingDir(c, dir), dir.resolve("cgroups"), timeout);
        } catch (IOException e) {
            return new ExecResult(126, "", e.getMessage(), false);
        }
    }

    /** Stops the log pumps; the containers keep running and a next agent adopts them. */
    @Override
    public void close() {
        lock.lock();
        try {
            containers.values().forEach(ProcessContainer::stopPump);
        } finally {
            lock.unlock();
        }
    }

    /** Counts of what this runtime holds, for tests and metrics. */
    Map<ContainerState, Integer> counts() {
        Map<ContainerState, Integer> out = new HashMap<>();
        listContainers().forEach(c -> out.merge(c.state(), 1, Integer::sum));
        return out;
    }
}
