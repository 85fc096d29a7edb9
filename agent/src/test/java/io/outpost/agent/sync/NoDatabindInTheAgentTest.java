package io.outpost.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No class of Jackson databind is loaded by an agent running process pods: it costs the agent
 * about 14 MB more than jackson-jr for the same work, and a class once loaded stays loaded. The
 * test JVM has loaded everything, so {@link AgentWithoutLink} (an agent's start, its pods decoded
 * and run, statuses, events and node status encoded, a restart, a touch, deletions) runs in a JVM
 * of its own, which logs each class it loads.
 */
class NoDatabindInTheAgentTest {

    @TempDir
    Path dir;

    record Run(int exit, String output, List<String> loaded) {
    }

    @Test
    void anAgentRunningProcessPodsLoadsNoDatabindClass() throws Exception {
        Run run = run("agent");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("OK");
        assertThat(run.loaded()).as("the run did what the test means it to")
                .contains("tools.jackson.jr.ob.JSON", "io.fabric8.kubernetes.api.model.Pod", "io.outpost.agent.pods.PodManager",
                        "io.outpost.agent.sync.DesiredStateView", "io.outpost.agent.sync.StatusReports");
        assertThat(run.loaded()).filteredOn(c -> c.startsWith("tools.jackson.databind.")).isEmpty();
    }

    @Test
    void theCheckSeesDatabindWhenTheAgentDoesLoadIt() throws Exception {
        Run run = run("control", "--control");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.loaded()).anyMatch(c -> c.startsWith("tools.jackson.databind."));
    }

    private Run run(String name, String... extra) throws IOException, InterruptedException {
        Path data = Files.createDirectories(dir.resolve(name));
        Path classes = dir.resolve(name + "-classes.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path"),
                AgentWithoutLink.class.getName(), data.toString()));
        command.addAll(List.of(extra));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        // A guard against a hung child, not a performance bound: the run takes a few seconds.
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the agent JVM did not finish");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        List<String> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(classes)) {
            // [0.012s][info][class,load] java.lang.Object source: shared objects file
            int at = line.indexOf("] ", line.indexOf("class,load"));
            if (at > 0) {
                loaded.add(line.substring(at + 2).split(" ", 2)[0]);
            }
        }
        return new Run(p.exitValue(), output, loaded);
    }
}
