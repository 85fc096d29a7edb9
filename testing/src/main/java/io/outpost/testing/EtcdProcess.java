package io.outpost.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real etcd server for a test, on free loopback ports, with its data and its log
 * ({@code etcd.log}: stdout and stderr) in a directory of its own under the test's work directory.
 *
 * <pre>{@code
 * try (EtcdProcess etcd = EtcdProcess.start(tempDir)) {
 *     EtcdKvStore store = EtcdKvStore.connect(EtcdConfig.defaults(List.of(etcd.clientUrl())));
 * }
 * }</pre>
 *
 * <p>Starting needs {@code etcd} on the PATH: without it the test is skipped, or fails under CI
 * ({@link Prerequisites}). A member is healthy when its {@code /health} answers true (it has a
 * leader and no alarm); every wait here is bounded and ends early if the process exits.
 *
 * <p>Thread model: one test thread drives it; {@link #close} and {@link #kill} are idempotent.
 */
public final class EtcdProcess implements AutoCloseable {

    /** How long a member (or a cluster) gets to become healthy; etcd takes 1 to 2 s here. */
    static final Duration START_WITHIN = Duration.ofSeconds(30);
    private static final Duration STOP_WITHIN = Duration.ofSeconds(10);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final int START_ATTEMPTS = 3;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
    private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\"\\s*:\\s*\"?(\\d+)");
    private static final Pattern LEADER_ID = Pattern.compile("\"leader\"\\s*:\\s*\"?(\\d+)");

    /** One member's name and ports, on 127.0.0.1. */
    record Spec(String name, int clientPort, int peerPort) {
        URI clientUrl() {
            return URI.create("http://127.0.0.1:" + clientPort);
        }

        URI peerUrl() {
            return URI.create("http://127.0.0.1:" + peerPort);
        }
    }

    /** What a member says of the raft cluster, from etcd's {@code Maintenance.Status}. */
    record Status(String memberId, String leaderId) {
    }

    /** The process could not bind a port it was given: another process took it first. */
    static final class PortTaken extends RuntimeException {
        PortTaken(String message) {
            super(message);
        }
    }

    /** Live etcd processes, killed if the JVM exits (a test that forgot close, a surefire timeout). */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "etcd-reaper"));
    }

    private final Spec spec;
    private final Path dir;
    private final Process process;

    private EtcdProcess(Spec spec, Path dir, Process process) {
        this.spec = spec;
        this.dir = dir;
        this.process = process;
    }

    /** Starts a one-member etcd under {@code workDir} and waits until it is healthy. */
    public static EtcdProcess start(Path workDir) {
        String binary = Prerequisites.requireBinary("etcd", "etcd-server");
        for (int attempt = 1; ; attempt++) {
            List<Integer> ports = FreePorts.reserve(2);
            Spec spec = new Spec("etcd-" + ports.get(0), ports.get(0), ports.get(1));
            EtcdProcess etcd = launch(binary, spec, spec.name() + "=" + spec.peerUrl(), spec.name(), workDir);
            try {
                etcd.awaitHealthy(START_WITHIN);
                return etcd;
            } catch (PortTaken e) {
                etcd.close();
                if (attempt == START_ATTEMPTS) {
                    throw e;
                }
            } catch (RuntimeException e) {
                etcd.close();
                throw e;
            }
        }
    }

    /**
     * Starts one member of {@code initialCluster} ({@code name=peerUrl,...}) without waiting. The
     * members of one cluster share its {@code token}, from which etcd derives the cluster's id.
     */
    static EtcdProcess launch(String binary, Spec spec, String initialCluster, String token, Path workDir) {
        Path dir = workDir.resolve(spec.name());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        List<String> command = new ArrayList<>(List.of(binary,
                "--name", spec.name(),
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", spec.clientUrl().toString(),
                "--advertise-client-urls", spec.clientUrl().toString(),
                "--listen-peer-urls", spec.peerUrl().toString(),
                "--initial-advertise-peer-urls", spec.peerUrl().toString(),
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new",
                "--initial-cluster-token", token));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile());
        try {
            Process process = builder.start();
            LIVE.add(process);
            process.onExit().thenRun(() -> LIVE.remove(process));
            return new EtcdProcess(spec, dir, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + " (its log would be in " + dir + ")", e);
        }
    }

    public String name() {
        return spec.name();
    }

    public URI clientUrl() {
        return spec.clientUrl();
    }

    URI peerUrl() {
        return spec.peerUrl();
    }

    /** The member's own directory: {@code data/} and {@code etcd.log}. */
    public Path directory() {
        return dir;
    }

    public Path logFile() {
        return dir.resolve("etcd.log");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until {@code /health} answers true.
     *
     * @throws PortTaken             if etcd exited because a port was taken
     * @throws IllegalStateException if it exited otherwise or is not healthy in time, with its log
     */
    void awaitHealthy(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!healthy()) {
            if (!process.isAlive()) {
                String log = logTail();
                if (log.contains("address already in use")) {
                    throw new PortTaken(name() + " could not bind its ports:\n" + log);
                }
                throw new IllegalStateException(name() + " exited with code " + process.exitValue()
                        + " before it was healthy; the end of " + logFile() + ":\n" + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name() + " was not healthy within " + within + "; the end of "
                        + logFile() + ":\n" + logTail());
            }
            waitForExit(Duration.ofMillis(50)); // the poll interval, cut short if etcd exits
        }
    }

    /** Whether {@code /health} answers true now. */
    public boolean healthy() {
        return call(HttpRequest.newBuilder(clientUrl().resolve("/health")).GET())
                .filter(body -> body.replace(" ", "").contains("\"health\":\"true\""))
                .isPresent();
    }

    /** This member's id and its leader's, or empty if it does not answer (or knows no leader). */
    Optional<Status> status() {
        return call(HttpRequest.newBuilder(clientUrl().resolve("/v3/maintenance/status"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")))
                .flatMap(body -> {
                    Matcher member = MEMBER_ID.matcher(body);
                    Matcher leader = LEADER_ID.matcher(body);
                    if (!member.find() || !leader.find() || leader.group(1).equals("0")) {
                        return Optional.empty();
                    }
                    return Optional.of(new Status(member.group(1), leader.group(1)));
                });
    }

    private Optional<String> call(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(PROBE_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString(UTF_8));
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing " + name(), e);
        }
    }

    /** The last lines of the log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Kills etcd with SIGKILL ({@link Process#destroyForcibly} on Linux): no chance to clean up. */
    public void kill() {
        process.destroyForcibly();
        if (!waitForExit(STOP_WITHIN)) {
            throw new IllegalStateException(name() + " (pid " + pid() + ") survived SIGKILL for " + STOP_WITHIN);
        }
    }

    /**
     * Stops the process with SIGSTOP: it keeps its connections open and answers nothing, like a
     * hung or partitioned member. {@link #thaw} (or {@link #close}) resumes it.
     */
    public void freeze() {
        signal("STOP");
    }

    /** Resumes a {@link #freeze frozen} process with SIGCONT. */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name(), e);
        }
    }

    /** Stops etcd with SIGTERM, or SIGKILL if it has not exited within 10 s. Idempotent. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            thaw(); // a frozen process handles its SIGTERM only once resumed
        } catch (IllegalStateException | UncheckedIOException alreadyGone) {
            // it exited between the two signals
        }
        if (!waitForExit(STOP_WITHIN)) {
            kill();
        }
    }

    private boolean waitForExit(Duration within) {
        try {
            process.onExit().get(within.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name() + " to exit", e);
        }
    }

    @Override
    public String toString() {
        return name() + "[" + clientUrl() + ", pid " + pid() + (isAlive() ? "" : ", exited") + "]";
    }
}
