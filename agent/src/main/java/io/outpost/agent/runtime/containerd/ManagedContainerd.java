package io.outpost.agent.runtime.containerd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.outpost.cri.CriChannel;
import io.outpost.cri.v1.VersionRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A containerd the agent starts and supervises as a child process, as k3s does: the configuration
 * ({@link ContainerdConfig#renderToml()}), the registry host directories ({@link RegistryHosts}) and
 * the CNI conflist are written under the agent's data dir at each start, containerd's output goes to {@code containerd.log} beside them, and a crashed
 * containerd is started again with a doubling back-off (1 s up to 30 s, reset after a minute up).
 * Containers survive a containerd restart (each runs under its own shim), so supervision only
 * brings the CRI endpoint back.
 *
 * <p>Thread model: {@link #start()} and {@link #close()} from the agent's main thread; one virtual
 * thread waits on the process and restarts it. A lock guards the current process.
 */
public final class ManagedContainerd implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagedContainerd.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final ContainerdConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private Process process;
    private Thread supervisor;
    private volatile boolean closed;
    private volatile int restarts;
    /** The pod CIDR of the CNI conflist written, empty before the node has one; guarded by lock for writes. */
    private volatile String podCidr;

    public ManagedContainerd(ContainerdConfig config) {
        this.config = config;
        this.podCidr = config.podCidr();
    }

    public ContainerdConfig config() {
        return config;
    }

    /** The CRI endpoint, {@code unix:///<root>/containerd.sock}. */
    public String endpoint() {
        return "unix://" + config.socket();
    }

    /** How many times the supervisor restarted a containerd that had exited. */
    public int restarts() {
        return restarts;
    }

    /**
     * Writes the configuration, starts containerd and returns once its CRI service answers
     * {@code Version}; an {@link IOException} says what failed (and where containerd's log is).
     */
    public void start() throws IOException {
        Files.createDirectories(config.root());
        Files.createDirectories(config.cniConfDir());
        if (!Files.isExecutable(config.containerdBinary())) {
            throw new IOException(config.containerdBinary() + " is not executable; install containerd (apt-get install -y containerd runc containernetworking-plugins)");
        }
        write(config.configFile(), config.renderToml());
        if (podCidr.isEmpty()) {
            // Not the node's: an old conflist would give pods addresses of another node's range.
            Files.deleteIfExists(config.cniConfFile());
        } else {
            write(config.cniConfFile(), config.renderCni());
        }
        RegistryHosts.write(config.registryHostsDir(), config.registries());
        stopOrphan();
        launch();
        awaitReady();
        providePauseImage();
        supervisor = Thread.ofVirtual().name("containerd-supervisor").start(this::supervise);
    }

    /**
     * Imports the agent's own {@link PauseImage} when the sandbox image is the default one and
     * containerd does not have it, so pods run on a node where nobody imported one and no
     * registry is reachable (k3s ships its pause image in its airgap bundle for the same reason).
     * An operator's own sandbox image is theirs to provide. A failure is logged, not fatal: the
     * node still serves its other duties, and each pod's FailedCreatePodSandBox event says why.
     */
    private void providePauseImage() {
        if (!config.sandboxImage().equals(PauseImage.NAME)) {
            return;
        }
        try (CriChannel channel = CriChannel.open(endpoint())) {
            if (new Images(channel).status(PauseImage.NAME).isPresent()) {
                return;
            }
            Optional<String> arch = PauseImage.architecture(System.getProperty("os.arch"));
            if (arch.isEmpty()) {
                LOG.error("no pause image for architecture {}: pods cannot get a sandbox until one is imported as {} with"
                        + " 'outpost images import'", System.getProperty("os.arch"), PauseImage.NAME);
                return;
            }
            Path archive = PauseImage.write(config.root().resolve("pause.tar"), arch.get());
            ImageImport.importArchive(config.containerdBinary().resolveSibling("ctr"), config.socket(), archive);
            LOG.info("imported the agent's own sandbox image {} ({}, a static pause program) into containerd", PauseImage.NAME, arch.get());
        } catch (IOException | RuntimeException e) {
            LOG.error("could not import the sandbox image {}: {}; pods cannot get a sandbox until it is imported with"
                    + " 'outpost images import'", PauseImage.NAME, e.getMessage());
        }
    }

    /** The node's pod CIDR the CNI conflist is written for; empty while the node has none. */
    public Optional<String> podCidr() {
        String cidr = podCidr;
        return cidr.isEmpty() ? Optional.empty() : Optional.of(cidr);
    }

    /**
     * Writes the CNI conflist for the node's {@code spec.podCIDR} when it differs from the one
     * written (kubelet's {@code updatePodCIDR}, which hands the CIDR to the runtime). containerd's
     * CRI plugin watches its {@code conf_dir} and loads the new conflist for the next sandbox; until
     * the first one is there it reports the network not ready. Returns whether it changed.
     */
    public boolean usePodCidr(String cidr) throws IOException {
        lock.lock();
        try {
            if (cidr.equals(podCidr)) {
                return false;
            }
            write(config.cniConfFile(), config.withPodCidr(cidr).renderCni());
            LOG.info("CNI bridge {} now gives pods addresses of the node's podCIDR {}{}", config.bridgeName(), cidr,
                    podCidr.isEmpty() ? "" : " (was " + podCidr + ")");
            podCidr = cidr;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The running containerd's pid, or -1. */
    public long pid() {
        lock.lock();
        try {
            return process != null && process.isAlive() ? process.pid() : -1;
        } finally {
            lock.unlock();
        }
    }

    private void launch() throws IOException {
        Files.deleteIfExists(config.socket());
        ProcessBuilder pb = new ProcessBuilder(List.of(config.containerdBinary().toString(), "--config",
                config.configFile().toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(config.root().resolve("containerd.log").toFile()));
        // containerd finds runc's shim (containerd-shim-runc-v2) on its PATH.
        pb.environment().putIfAbsent("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        lock.lock();
        try {
            process = pb.start();
        } finally {
            lock.unlock();
        }
        write(pidFile(), Long.toString(process.pid()));
        LOG.info("containerd started (pid {}), config {}", process.pid(), config.configFile());
    }

    private Path pidFile() {
        return config.root().resolve("containerd.pid");
    }

    /**
     * A containerd left running by an agent that died (its child outlives it) holds the same root
     * and its metadata lock: a second one would hang on it. It is stopped first; containers keep
     * running under their shims and are adopted through the new one.
     */
    private void stopOrphan() throws IOException {
        if (!Files.exists(pidFile())) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile()).strip());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().arguments().map(args -> List.of(args).contains(config.configFile().toString())).orElse(false));
        if (orphan.isEmpty()) {
            return;
        }
        LOG.warn("stopping containerd pid {} left by a previous agent run (containers keep running)", pid);
        ProcessHandle h = orphan.get();
        h.destroy();
        try {
            h.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            h.destroyForcibly();
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception again) {
                throw new IOException("containerd pid " + pid + " left by a previous agent run does not stop", again);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted stopping containerd pid " + pid, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e);
        }
    }

    /** Test hook: forget the child as a dying agent would (the supervisor stops, containerd runs on). */
    void abandon() {
        closed = true;
        if (supervisor != null) {
            supervisor.interrupt();
        }
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            Process p = process;
            if (!p.isAlive()) {
                throw new IOException("containerd exited with " + p.exitValue() + " at start; see " + config.root().resolve("containerd.log"));
            }
            if (Files.exists(config.socket())) {
                try (CriChannel channel = CriChannel.open(endpoint())) {
                    channel.runtime().withDeadlineAfter(2, TimeUnit.SECONDS).version(VersionRequest.newBuilder().setVersion("v1").build());
                    return;
                } catch (RuntimeException e) {
                    last = new IOException(e.getMessage(), e);
                }
            }
            sleep(Duration.ofMillis(50));
        }
        throw new IOException("containerd's CRI service did not answer within " + READY_TIMEOUT.toSeconds() + " s; see "
                + config.root().resolve("containerd.log"), last);
    }

    private void supervise() {
        Duration backoff = Duration.ofSeconds(1);
        while (!closed) {
            Process p;
            lock.lock();
            try {
                p = process;
            } finally {
                lock.unlock();
            }
            long startedAt = System.nanoTime();
            try {
                int code = p.waitFor();
                if (closed) {
                    return;
                }
                LOG.warn("containerd exited with {}; restarting in {} s", code, backoff.toSeconds());
                if (Duration.ofNanos(System.nanoTime() - startedAt).compareTo(Duration.ofMinutes(1)) > 0) {
                    backoff = Duration.ofSeconds(1);
                }
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
                if (closed) {
                    return;
                }
                launch();
                awaitReady();
                restarts++;
            } catch (InterruptedException | IllegalStateException e) {
                return; // closed while waiting or backing off
            } catch (IOException e) {
                LOG.warn("containerd restart failed: {}", e.getMessage());
            }
        }
    }

    /** Stops containerd (SIGTERM, then SIGKILL after 10 s). Containers and their shims keep running. */
    @Override
    public void close() {
        closed = true;
        if (supervisor != null) {
            supervisor.interrupt();
        }
        Process p;
        lock.lock();
        try {
            p = process;
        } finally {
            lock.unlock();
        }
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Written owner-only: the config may hold registry credentials. */
    private static void write(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
