package io.outpost.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code outpost agent} process, run through the {@code ./outpost} launcher as an operator
 * runs it, with its own data dir; its log (stderr and stdout) goes to {@code DATA.log}. Closing
 * it stops the agent with SIGTERM and then kills the processes its pods left running, so that a
 * test leaves nothing behind. Each process logs the classes it loads to {@code DATA-classes-PID.log}
 * ({@link #loadedClasses}), so that a test can say which libraries an agent's paths touched.
 */
final class AgentProcess implements AutoCloseable {

    static final Path LAUNCHER = Path.of(System.getProperty("user.dir")).getParent().resolve("outpost");
    /** What follows the data dir's path in the name of a process's class-loading log. */
    static final String CLASS_LOG = "-classes-";

    private final Process process;
    private final Path dataDir;
    private final Path log;

    private AgentProcess(Process process, Path dataDir, Path log) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Starts {@code outpost agent --server URL --node-name NODE --data-dir DATA [--token TOKEN] EXTRA...}. */
    static AgentProcess start(String serverUrl, String token, String node, Path dataDir, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString(), "agent", "--server", serverUrl,
                "--node-name", node, "--data-dir", dataDir.toString()));
        if (token != null) {
            command.addAll(List.of("--token", token));
        }
        command.addAll(List.of(extra));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(name -> name.startsWith("OUTPOST_"));
        // Which classes the agent loads, for checks such as "never java.net.http" (a file a
        // process, flushed line by line; a few hundred kB): DATA-classes-PID.log.
        pb.environment().put("OUTPOST_JAVA_OPTS", "-Xlog:class+load=info:file=" + dataDir + CLASS_LOG + "%p.log");
        return new AgentProcess(pb.start(), dataDir, log);
    }

    /**
     * The classes loaded by every agent process started with a data dir in {@code folder}, by
     * log file, from the JVM's {@code -Xlog:class+load} lines ("[0.1s][info][class,load] NAME source: ...").
     */
    static Map<Path, List<String>> loadedClasses(Path folder) throws IOException {
        Map<Path, List<String>> classes = new TreeMap<>();
        try (var files = Files.list(folder)) {
            for (Path log : files.filter(f -> f.getFileName().toString().contains(CLASS_LOG)).toList()) {
                classes.put(log, Files.readAllLines(log).stream().filter(l -> l.contains("[class,load] "))
                        .map(l -> l.substring(l.indexOf("[class,load] ") + "[class,load] ".length()).split(" ", 2)[0]).toList());
            }
        }
        return classes;
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The agent's resident memory now, from /proc (kB), or -1 if it has exited. */
    long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // exited
        }
        return -1;
    }

    /** SIGKILL, as a power cut would end it; its pods' processes are left as they are. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The processes this agent's pods run: every process whose command line names its data dir. */
    List<ProcessHandle> podProcesses() {
        String marker = dataDir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != process.pid())
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)
                        || p.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false))
                .toList();
    }

    /** Kills the pods' processes and their children, as a reboot would. */
    void killPodProcesses() {
        for (ProcessHandle p : podProcesses()) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        killPodProcesses();
    }
}
