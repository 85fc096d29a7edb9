package io.outpost.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code outpost server} in a JVM of its own, so that its resident memory is not mixed
 * with the benchmark clients'. It runs on a fresh data dir (SQLite) with {@code --port 0}; the port
 * it bound is read from the admin kubeconfig, which the server writes only once it listens.
 *
 * <p>Memory is read from {@code /proc/PID/status}: VmRSS now, VmHWM the peak. {@link #gc()} asks
 * the server for a full collection first (jcmd), so that a difference of two readings is what is
 * live rather than garbage that happened to be there; G1 gives freed regions back after a full GC.
 */
final class ServerProcess implements AutoCloseable {

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total[^\\n]*used (\\d+)K");
    private static final Pattern SERVER_URL = Pattern.compile("server:\\s*\"?(https://[^\"\\s]+)");

    private final Process process;
    private final Path dataDir;
    private final Path javaHome;

    private ServerProcess(Process process, Path dataDir, Path javaHome) {
        this.process = process;
        this.dataDir = dataDir;
        this.javaHome = javaHome;
    }

    /**
     * Starts the server from {@code jar} with the launcher's JVM flags plus {@code -Xmx}, and
     * waits until it has written its kubeconfig.
     */
    static ServerProcess start(Path jar, Path dataDir, String maxHeap) throws IOException, InterruptedException {
        Path javaHome = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().getParent();
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin/java").toString(),
                "-Xmx" + maxHeap, "--enable-native-access=ALL-UNNAMED", "-XX:+ExitOnOutOfMemoryError"));
        if (Runtime.version().feature() >= 25) {
            command.add("-XX:+UseCompactObjectHeaders"); // as ./outpost runs it
        }
        // Extra server JVM flags for a diagnosis, e.g. OUTPOST_BENCH_SERVER_OPTS=-Xlog:gc:file=/tmp/gc.log
        String extra = System.getenv().getOrDefault("OUTPOST_BENCH_SERVER_OPTS", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        // Its own agent on the process runtime, as before containerd became the default where it is
        // installed: a managed containerd beside the measured server would only add noise.
        command.addAll(List.of("-jar", jar.toString(), "server", "--data-dir", dataDir.toString(), "--port", "0",
                "--runtime", "process"));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ServerProcess server = new ServerProcess(process, dataDir, javaHome);
        server.awaitKubeconfig(Duration.ofSeconds(90), log);
        return server;
    }

    private void awaitKubeconfig(Duration timeout, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with " + process.exitValue() + "; see " + log);
            }
            if (server() != null) {
                return;
            }
            Thread.sleep(100);
        }
        close();
        throw new IOException("the server wrote no kubeconfig within " + timeout + "; see " + log);
    }

    /** The API server's URL from the admin kubeconfig, or null while it is not written yet. */
    String server() throws IOException {
        Path kubeconfig = dataDir.resolve("admin.kubeconfig");
        if (!Files.isReadable(kubeconfig)) {
            return null;
        }
        Matcher m = SERVER_URL.matcher(Files.readString(kubeconfig));
        return m.find() ? m.group(1) : null;
    }

    Path tlsDir() {
        return dataDir.resolve("tls");
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory now, in bytes. */
    long rss() throws IOException {
        return status("VmRSS");
    }

    /** The peak of resident memory so far, in bytes. */
    long peakRss() throws IOException {
        return status("VmHWM");
    }

    private long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024; // the kernel writes kB
            }
        }
        throw new IOException("no " + field + " in /proc/" + process.pid() + "/status");
    }

    /** A full GC in the server (jcmd GC.run), then a short pause for the heap to shrink. */
    void gc() throws IOException, InterruptedException {
        jcmd("GC.run");
        Thread.sleep(500);
    }

    /**
     * The Java heap in use, in bytes (jcmd GC.heap_info): after {@link #gc}, what is live. RSS
     * alone hides what fills heap the JVM has already committed.
     */
    long heapUsed() throws IOException, InterruptedException {
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!m.find()) {
            throw new IOException("no heap use in jcmd GC.heap_info");
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(javaHome.resolve("bin/jcmd").toString(), Long.toString(process.pid()), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
            jcmd.destroyForcibly();
        }
        return out;
    }

    /** SIGTERM, the server's clean shutdown; SIGKILL if it has not exited after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    int exitValue() {
        return process.exitValue();
    }
}
