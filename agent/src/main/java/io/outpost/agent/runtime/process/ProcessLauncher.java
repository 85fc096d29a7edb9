package io.outpost.agent.runtime.process;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.outpost.agent.runtime.ExecResult;

/**
 * Spawns and signals container processes. Each container runs under a small {@code sh} shim, in
 * its own session and process group ({@code setsid}), that plays containerd-shim's part:
 * <ol>
 *   <li>joins the container's cgroups (before the command runs, so every byte is accounted);</li>
 *   <li>opens the container's stdout/stderr pipes read-write (so the command never gets SIGPIPE when
 *       the agent is gone) and starts the command with them;</li>
 *   <li>ignores SIGTERM itself — the agent signals the whole group, the command gets it — waits for
 *       the command and writes its exit status to {@code exit} (128+n for a signal n).</li>
 * </ol>
 * Because the shim and the pipes outlive the agent, a restarted agent adopts the container and
 * still learns its exit code.
 *
 * <p>Thread model: stateless; any thread.
 */
final class ProcessLauncher {

    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static final String SHIM = """
            #!/bin/sh
            # outpost process-runtime shim: $1 = container dir, the rest = command and args
            dir=$1; shift
            if [ -f "$dir/cgroups" ]; then
              while read -r procs; do echo $$ > "$procs" || exit 125; done < "$dir/cgroups"
            fi
            exec 3<>"$dir/stdout" 4<>"$dir/stderr"
            "$@" </dev/null >&3 2>&4 3>&- 4>&- &
            child=$!
            exec 3>&- 4>&-
            trap '' TERM INT HUP
            echo $child > "$dir/child.pid.tmp" && mv "$dir/child.pid.tmp" "$dir/child.pid"
            while :; do
              wait $child; st=$?
              kill -0 $child 2>/dev/null || break
            done
            echo $st > "$dir/exit.tmp" && mv "$dir/exit.tmp" "$dir/exit"
            exit $st
            """;

    private final Path shim;
    private final String setsid;

    ProcessLauncher(Path stateDir) throws IOException {
        this.shim = stateDir.resolve("shim.sh");
        Files.createDirectories(stateDir);
        Files.writeString(shim, SHIM);
        this.setsid = find("setsid").orElse(null);
    }

    /** Why containers cannot run here, if they cannot. */
    Optional<String> unusable() {
        if (setsid == null) {
            return Optional.of("setsid is not on the PATH (install util-linux): the process runtime needs it to run each container "
                    + "in its own process group");
        }
        return Optional.empty();
    }

    /** Makes the container's named pipes. */
    static void mkfifos(Path dir) throws IOException {
        run(List.of("mkfifo", "-m", "600", dir.resolve("stdout").toString(), dir.resolve("stderr").toString()));
    }

    /** The absolute path {@code command} would run as under {@code PATH}, if it exists and is executable. */
    static Optional<String> resolve(String command, String path, Path workingDir) {
        if (command.contains("/")) {
            Path p = command.startsWith("/") ? Path.of(command) : workingDir.resolve(command);
            return Files.isExecutable(p) && !Files.isDirectory(p) ? Optional.of(p.toString()) : Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return Optional.of(p.toString());
            }
        }
        return Optional.empty();
    }

    /** Starts the shim for a container whose directory is {@code dir}. */
    Process spawn(Path dir, List<String> commandAndArgs, Map<String, String> env, Path workingDir) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(setsid);
        argv.add("/bin/sh");
        argv.add(shim.toString());
        argv.add(dir.toString());
        argv.addAll(commandAndArgs);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.directory(workingDir.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        File shimLog = dir.resolve("shim.log").toFile();
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(shimLog));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(shimLog));
        return pb.start();
    }

    /**
     * Sends {@code signal} (TERM, KILL) to the whole process group led by {@code pgid}, with the
     * shell's builtin {@code kill} (the JDK signals single processes only, and {@code /bin/kill}
     * is not on every minimal system).
     */
    void signalGroup(long pgid, String signal) {
        try {
            run(List.of("/bin/sh", "-c", "kill -s " + signal + " -- -$1", "sh", Long.toString(pgid)));
        } catch (IOException e) {
            // the group is already gone
        }
    }

    /**
     * Runs a command in a container's context — its env, working dir and, when it has them, its
     * cgroups (listed in {@code cgroups}, so a probe counts against the container's limits) — and
     * waits for it at most {@code timeout}; output is kept up to 64 KiB per stream.
     */
    static ExecResult exec(List<String> command, Map<String, String> env, Path workingDir, Path cgroups, Duration timeout)
            throws IOException {
        List<String> argv = new ArrayList<>();
        if (Files.exists(cgroups)) {
            argv.addAll(List.of("/bin/sh", "-c", "while read -r p; do echo $$ > \"$p\"; done < \"$0\"; exec \"$@\"", cgroups.toString()));
        }
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.directory(workingDir.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
        Thread e = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                return new ExecResult(-1, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), true);
            }
            o.join();
            e.join();
            return new ExecResult(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), false);
        } catch (InterruptedException ie) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new ExecResult(-1, "", "interrupted", true);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream sink) {
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (sink.size() < 64 * 1024) {
                    sink.write(buf, 0, Math.min(n, 64 * 1024 - sink.size()));
                }
            }
        } catch (IOException e) {
            // the process closed its output
        }
    }

    private static void run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", argv) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + argv);
        }
    }

    private static Optional<String> find(String binary) {
        return resolve(binary, System.getenv().getOrDefault("PATH", DEFAULT_PATH) + ":" + DEFAULT_PATH, Path.of("/"));
    }
}
