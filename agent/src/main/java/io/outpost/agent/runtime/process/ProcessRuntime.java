package io.outpost.agent.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

    /** A container and what this agent process holds for it. */
    private static final class Live {
        volatile ContainerRecord record;
        Process process;
        LogPump pump;

        Live(ContainerRecord record) {
            this.record = record;
        }
    }

    private final Config config;
    private final Cgroups cgroups;
    private final ProcessLauncher launcher;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ContainerRecord.Sandbox> sandboxes = new LinkedHashMap<>();
    private final Map<String, Live> containers = new LinkedHashMap<>();

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
                Live live = new Live(ContainerRecord.load(file));
                containers.put(live.record.id(), live);
                if (live.record.state() == ContainerState.RUNNING) {
                    if (live.record.proc().alive()) {
                        LOG.info("adopted container {} ({}) of pod {}: pid {} still running", live.record.config().name(),
                                live.record.id(), live.record.config().labels().get("io.kubernetes.pod.name"), live.record.pid());
                        startPump(live);
                    } else {
                        refresh(live);
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
            Files.createDirectories(dir);
            ProcessLauncher.mkfifos(dir);
            Path root = dir.resolve("root");
            Files.createDirectories(root);
            for (var m : c.mounts()) {
                Path link = root.resolve(m.containerPath().replaceFirst("^/+", "")).normalize();
                if (!link.startsWith(root) || link.equals(root)) {
                    throw new RuntimeFailure(RuntimeFailure.CREATE_CONTAINER_ERROR, "mountPath " + m.containerPath() + " is not usable");
                }
                Files.createDirectories(link.getParent());
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, m.hostPath().toAbsolutePath());
            }
            ContainerRecord record = new ContainerRecord(id, sandboxId, c, config.clock().instant(), null, null, 0, 0, "", 0, "", "", false);
            record.save(dir.resolve("record.properties"));
            lock.lock();
            try {
                containers.put(id, new Live(record));
            } finally {
                lock.unlock();
            }
            return id;
        } catch (IOException e) {
            throw new RuntimeFailure(RuntimeFailure.CREATE_CONTAINER_ERROR, "cannot create container " + c.name() + ": " + e.getMessage(), e);
        }
    }

    /** The container's environment as the process sees it. */
    private static Map<String, String> environment(ContainerConfig c, Path root) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", ProcessLauncher.DEFAULT_PATH);
        env.put("HOME", "/root");
        env.putAll(c.env());
        env.put("OUTPOST_ROOT", root.toString());
        return env;
    }

    private static Path workingDir(ContainerConfig c, Path root) throws IOException {
        if (c.workingDir().isEmpty()) {
            return root;
        }
        Path asIs = Path.of(c.workingDir());
        if (asIs.isAbsolute() && Files.isDirectory(asIs)) {
            return asIs;
        }
        Path under = root.resolve(c.workingDir().replaceFirst("^/+", "")).normalize();
        Files.createDirectories(under);
        return under;
    }

    @Override
    public void startContainer(String containerId) throws RuntimeFailure {
        Live live = live(containerId).orElseThrow(() -> new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "container " + containerId + " not found"));
        ContainerConfig c = live.record.config();
        Optional<String> unusable = launcher.unusable();
        if (unusable.isPresent()) {
            throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, unusable.get());
        }
        Path dir = dir(containerId);
        Path root = dir.resolve("root");
        try {
            Map<String, String> env = environment(c, root);
            Path cwd = workingDir(c, root);
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
            Process p = launcher.spawn(dir, argv, env, cwd);
            ProcStat proc = ProcStat.of(p.pid()).orElse(new ProcStat(p.pid(), 0, ProcStat.currentBootId()));
            ContainerRecord started = live.record.started(config.clock().instant(), proc);
            started.save(dir.resolve("record.properties"));
            lock.lock();
            try {
                live.record = started;
                live.process = p;
            } finally {
                lock.unlock();
            }
            startPump(live);
        } catch (IOException e) {
            throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "cannot start container " + c.name() + ": " + e.getMessage(), e);
        }
    }

    private void startPump(Live live) {
        ContainerRecord r = live.record;
        Path dir = dir(r.id());
        try {
            CriLogWriter writer = new CriLogWriter(r.config().logPath(), config.logMaxBytes(), config.logMaxFiles(), config.clock());
            LogPump pump = new LogPump(dir.resolve("stdout"), dir.resolve("stderr"), writer, () -> !alive(live));
            live.pump = pump;
            Thread.ofVirtual().name("logs-" + r.id()).start(pump);
        } catch (IOException e) {
            LOG.warn("container {}: its output is not logged: {}", r.id(), e.toString());
        }
    }

    private static boolean alive(Live live) {
        Process p = live.process;
        if (p != null) {
            return p.isAlive();
        }
        return live.record.proc().alive();
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        Optional<Live> found = live(containerId);
        if (found.isEmpty() || refresh(found.get()).state() != ContainerState.RUNNING) {
            return;
        }
        Live live = found.get();
        try {
            ContainerRecord stopping = live.record.stopping();
            stopping.save(dir(containerId).resolve("record.properties"));
            live.record = stopping;
        } catch (IOException e) {
            LOG.debug("stop of {} not recorded: {}", containerId, e.toString());
        }
        long pgid = live.record.pid();
        if (!timeout.isZero()) {
            launcher.signalGroup(pgid, "TERM");
            if (awaitExit(live, timeout)) {
                refresh(live);
                return;
            }
        }
        launcher.signalGroup(pgid, "KILL");
        awaitExit(live, Duration.ofSeconds(10));
        refresh(live);
    }

    /** Waits for the container's process to end; true if it did within {@code timeout}. */
    private static boolean awaitExit(Live live, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (live.process != null) {
                return live.process.waitFor(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            while (live.record.proc().alive()) {
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
     * Brings a running container's record up to date: if its process has ended, records how —
     * the shim's exit file, else the shim's own status when this agent spawned it, else SIGKILL if
     * the agent was stopping it, else lost ({@code Unknown}, 255).
     */
    private ContainerRecord refresh(Live live) {
        ContainerRecord r = live.record;
        if (r.state() != ContainerState.RUNNING || alive(live)) {
            return r;
        }
        Path dir = dir(r.id());
        Path exitFile = dir.resolve("exit");
        Instant finished = config.clock().instant();
        int code;
        String reason;
        try {
            if (Files.exists(exitFile)) {
                code = Integer.parseInt(Files.readString(exitFile).strip());
                finished = Files.getLastModifiedTime(exitFile).toInstant();
                if (finished.isAfter(config.clock().instant()) || finished.isBefore(r.startedAt())) {
                    finished = config.clock().instant(); // a fake clock in tests
                }
                reason = code == 0 ? "Completed" : "Error";
            } else if (live.process != null) {
                code = live.process.exitValue();
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
            done.save(dir.resolve("record.properties"));
        } catch (IOException e) {
            LOG.warn("exit of container {} not recorded: {}", r.id(), e.toString());
        }
        live.record = done;
        return done;
    }

    @Override
    public void removeContainer(String containerId) {
        Optional<Live> found = live(containerId);
        if (found.isEmpty()) {
            return;
        }
        stopContainer(containerId, Duration.ZERO);
        Live live = found.get();
        if (live.pump != null) {
            live.pump.stop();
        }
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
        List<Live> all = new ArrayList<>();
        lock.lock();
        try {
            for (Live l : containers.values()) {
                if (l.record.config().labels().entrySet().containsAll(labels.entrySet())) {
                    all.add(l);
                }
            }
        } finally {
            lock.unlock();
        }
        List<ContainerStatus> out = new ArrayList<>(all.size());
        for (Live l : all) {
            out.add(refresh(l).status());
        }
        return out;
    }

    @Override
    public Optional<ContainerStatus> containerStatus(String containerId) {
        return live(containerId).map(l -> refresh(l).status());
    }

    private Optional<Live> live(String containerId) {
        lock.lock();
        try {
            return Optional.ofNullable(containers.get(containerId));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ExecResult execSync(String containerId, List<String> command, Duration timeout) throws RuntimeFailure {
        Live live = live(containerId).orElseThrow(() -> new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "container " + containerId + " not found"));
        if (refresh(live).state() != ContainerState.RUNNING) {
            throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "container " + containerId + " is not running");
        }
        if (command.isEmpty()) {
            throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "exec: empty command");
        }
        Path root = dir(containerId).resolve("root");
        try {
            ContainerConfig c = live.record.config();
            return ProcessLauncher.exec(command, environment(c, root), workingDir(c, root), timeout);
        } catch (IOException e) {
            return new ExecResult(126, "", e.getMessage(), false);
        }
    }

    /** Stops the log pumps; the containers keep running and a next agent adopts them. */
    @Override
    public void close() {
        lock.lock();
        try {
            for (Live l : containers.values()) {
                if (l.pump != null) {
                    l.pump.stop();
                }
            }
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
