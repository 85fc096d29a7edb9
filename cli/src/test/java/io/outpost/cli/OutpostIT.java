package io.outpost.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.outpost.testing.Prerequisites;

/**
 * Runs the real {@code ./outpost} launcher from the repository root, as a user would: it finds a
 * JDK and runs cli/target/outpost.jar (built by the package phase just before; if the jar is
 * stale the launcher builds it first, hence the generous bounds).
 */
@Tag("system")
class OutpostIT {

    private static final long START_SECONDS = 300;
    private static final long STOP_SECONDS = 60;

    private static final Path LAUNCHER = Path.of(System.getProperty("user.dir")).getParent().resolve("outpost");

    @TempDir
    Path tmp;

    @BeforeAll
    static void launcherIsThere() {
        Prerequisites.requireBinary("bash", "bash");
        assertThat(LAUNCHER).as("the launcher, found from the module folder").isExecutable();
    }

    @Test
    void helpListsTheServerRole() throws Exception {
        Child help = Child.start(tmp, "--help");

        assertThat(help.process.waitFor(START_SECONDS, TimeUnit.SECONDS)).as("./outpost --help ends").isTrue();
        assertThat(help.process.exitValue()).isZero();
        assertThat(Files.readString(help.out)).contains("Usage: outpost", "server");
    }

    @Test
    void theNodesRolesRunFromTheSlimAgentJarWhichSendsTheServerRoleToTheFatOne() throws Exception {
        Child help = Child.start(tmp, "agent", "--help");
        assertThat(help.process.waitFor(START_SECONDS, TimeUnit.SECONDS)).as("./outpost agent --help ends").isTrue();
        assertThat(help.process.exitValue()).isZero();
        assertThat(Files.readString(help.out)).contains("Usage: outpost agent", "--server");

        // The jar the launcher ran for the agent role: only the node's commands are in it.
        Path agentJar = LAUNCHER.resolveSibling("cli/target/outpost-agent.jar");
        assertThat(agentJar).exists();
        assertThat(agentJar.toFile().length()).as("the slim jar is smaller than the fat one")
                .isLessThan(LAUNCHER.resolveSibling("cli/target/outpost.jar").toFile().length() / 2);
        Process server = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-jar", agentJar.toString(), "server")
                .redirectErrorStream(true).start();
        String said = new String(server.getInputStream().readAllBytes(), UTF_8);
        assertThat(server.waitFor(STOP_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).as(said).isEqualTo(2);
        assertThat(said).contains("server").contains("outpost.jar");
    }

    @Test
    void theServerStartsStopsOnSigtermWithExitCode0AndKeepsASecondServerOut() throws Exception {
        Path dataDir = tmp.resolve("data");
        Child server = Child.start(tmp, "server", "--data-dir", dataDir.toString(), "--port", "0", "--runtime", "process");
        try {
            assertThat(server.ready.await(START_SECONDS, TimeUnit.SECONDS))
                    .as("the server logs 'ready'; it logged: %s", server.log).isTrue();
            assertThat(Datastores.sqliteFile(dataDir)).exists();
            assertThat(dataDir.resolve("admin.kubeconfig")).exists();
            assertThat(server.log).anyMatch(line -> line.contains("export KUBECONFIG=" + dataDir.resolve("admin.kubeconfig")));

            Child second = Child.start(tmp, "server", "--data-dir", dataDir.toString(), "--port", "0", "--runtime", "process");
            assertThat(second.process.waitFor(START_SECONDS, TimeUnit.SECONDS)).as("the second server gives up").isTrue();
            second.drain.join(Duration.ofSeconds(STOP_SECONDS));
            assertThat(second.process.exitValue()).as("its log: %s", second.log).isEqualTo(1);
            assertThat(String.join("\n", second.log))
                    .contains("is in use by another process", Datastores.sqliteFile(dataDir) + ".lock");

            // SIGTERM. Through the handle: Process.destroy() also closes our end of its pipes, and
            // the log of the shutdown would be lost.
            assertThat(server.process.toHandle().destroy()).isTrue();
            assertThat(server.process.waitFor(STOP_SECONDS, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
            server.drain.join(Duration.ofSeconds(STOP_SECONDS));
            assertThat(server.process.exitValue()).as("its log: %s", server.log).isZero();
            assertThat(server.log).anyMatch(line -> line.contains("datastore closed"));
        } finally {
            server.process.destroyForcibly();
        }
    }

    /** A run of the launcher; its stderr (the log) is read line by line, its stdout goes to a file. */
    private record Child(Process process, Path out, List<String> log, CountDownLatch ready, Thread drain) {

        static Child start(Path tmp, String... args) throws IOException {
            Path out = Files.createTempFile(tmp, "stdout", ".txt");
            // From another folder than the repository's: the launcher must find its own.
            ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString()).directory(tmp.toFile()).redirectOutput(out.toFile());
            pb.command().addAll(List.of(args));
            pb.environment().keySet().removeIf(name -> name.startsWith("OUTPOST_"));
            Process process = pb.start();
            List<String> log = new CopyOnWriteArrayList<>();
            CountDownLatch ready = new CountDownLatch(1);
            Thread drain = Thread.ofPlatform().name("drain-" + process.pid()).start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        log.add(line);
                        if (line.contains("INFO  Server: ready")) {
                            ready.countDown();
                        }
                    }
                } catch (IOException e) {
                    log.add("(reading the log failed: " + e + ")");
                }
            });
            return new Child(process, out, log, ready, drain);
        }
    }
}
