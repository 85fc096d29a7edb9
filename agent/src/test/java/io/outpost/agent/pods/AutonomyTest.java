package io.outpost.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.testing.InMemoryDesiredState;
import io.outpost.agent.testing.Pods;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Edge autonomy: the agent restarts with running processes (adopts them), and after a reboot with
 * no server (every process gone) it restarts every pod its local store records.
 */
class AutonomyTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    private final InMemoryDesiredState desired = new InMemoryDesiredState();
    private ProcessAgent agent;

    @AfterEach
    void stopEverything() {
        if (agent != null) {
            agent.close();
            agent.removeEverything();
        }
    }

    @Test
    void aSecondAgentOnTheSameDataDirAdoptsTheRunningProcessInsteadOfRestartingIt() throws Exception {
        agent = new ProcessAgent(dataDir, desired, Clock.systemUTC());
        desired.put(Pods.shell("steady", "while :; do echo tick; sleep 0.1; done").build());
        await().atMost(WAIT).until(() -> agent.sink.phase("default", "steady").equals("Running"));
        ContainerStatus before = agent.runtime.listContainers().getFirst();
        long pid = childPid(before.id());
        agent.close();

        agent = new ProcessAgent(dataDir, desired, Clock.systemUTC());
        await().atMost(WAIT).until(() -> agent.sink.phase("default", "steady").equals("Running"));
        ContainerStatus after = agent.runtime.listContainers().getFirst();
        assertThat(after.id()).isEqualTo(before.id());
        assertThat(after.startedAt()).isEqualTo(before.startedAt());
        assertThat(childPid(after.id())).isEqualTo(pid);
        assertThat(agent.sink.container("default", "steady", "main").orElseThrow().getRestartCount()).isZero();
        assertThat(agent.runtime.listContainers()).hasSize(1);
        // the adopted container's output is still logged
        Path log = before.config().logPath();
        long size = Files.size(log);
        await().atMost(WAIT).until(() -> Files.size(log) > size);
    }

    @Test
    void afterARebootWithNoServerEveryRecordedPodRunsAgain() throws Exception {
        agent = new ProcessAgent(dataDir, desired, Clock.systemUTC());
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Pod pod = Pods.shell("p" + i, "exec sleep 300").build();
            pods.add(pod);
            desired.put(pod);
        }
        await().atMost(WAIT).until(() -> pods.stream().allMatch(p -> agent.sink.phase("default", p.getMetadata().getName()).equals("Running")));
        Map<String, String> idsBefore = agent.runtime.listContainers().stream()
                .collect(Collectors.toMap(ContainerStatus::id, ContainerStatus::name));
        agent.close();
        // the reboot: every container process (shim and command) dies without a word
        for (String id : idsBefore.keySet()) {
            long shim = shimPid(id);
            new ProcessBuilder("/bin/sh", "-c", "kill -s KILL -- -$1", "sh", Long.toString(shim)).start().waitFor();
        }

        long start = System.nanoTime();
        agent = new ProcessAgent(dataDir, desired, Clock.systemUTC());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> pods.stream().allMatch(p -> agent.sink.phase("default", p.getMetadata().getName()).equals("Running")
                        && agent.sink.container("default", p.getMetadata().getName(), "main").map(c -> c.getRestartCount() == 1).orElse(false)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("offline reboot: 10 process pods Running again " + millis + " ms after the agent's start");
        var main = agent.sink.container("default", "p0", "main").orElseThrow();
        assertThat(main.getLastState().getTerminated().getReason()).isEqualTo("Unknown");
        assertThat(main.getLastState().getTerminated().getExitCode()).isEqualTo(255);
        assertThat(agent.runtime.listContainers().stream().filter(ContainerStatus::running).count()).isEqualTo(10);
    }

    @Test
    void aPodDeletedWhileTheAgentWasDownIsKilledWhenItStarts() throws Exception {
        agent = new ProcessAgent(dataDir, desired, Clock.systemUTC());
        Pod gone = Pods.shell("gone", "exec sleep 300").build();
        desired.put(gone).put(Pods.shell("kept", "exec sleep 300").build());
        await().atMost(WAIT).until(() -> agent.sink.phase("default", "gone").equals("Running") && agent.sink.phase("default", "kept").equals("Running"));
        String goneId = agent.runtime.listContainers(Map.of("io.kubernetes.pod.name", "gone")).getFirst().id();
        long gonePid = childPid(goneId);
        agent.close();
        desired.remove(gone);

        agent = new ProcessAgent(dataDir, desired, Clock.systemUTC());
        await().atMost(WAIT).until(() -> agent.runtime.listContainers(Map.of("io.kubernetes.pod.name", "gone")).isEmpty());
        assertThat(aliveAndNotZombie(gonePid)).isFalse();
        assertThat(agent.runtime.listPodSandboxes()).extracting(s -> s.config().name()).containsExactly("kept");
        assertThat(agent.runtime.listContainers(Map.of("io.kubernetes.pod.name", "kept"))).allMatch(ContainerStatus::running);
    }

    @Test
    void aPodThatCompletedBeforeTheRebootIsNotRunAgain() throws Exception {
        agent = new ProcessAgent(dataDir, desired, Clock.systemUTC());
        desired.put(Pods.shell("once", "echo ran; exit 0").editSpec().withRestartPolicy("OnFailure").endSpec().build());
        await().atMost(WAIT).until(() -> agent.sink.phase("default", "once").equals("Succeeded"));
        agent.close();

        agent = new ProcessAgent(dataDir, desired, Clock.systemUTC());
        await().atMost(WAIT).until(() -> agent.sink.phase("default", "once").equals("Succeeded"));
        assertThat(agent.sink.container("default", "once", "main").orElseThrow().getRestartCount()).isZero();
        assertThat(agent.runtime.listContainers()).hasSize(1).noneMatch(ContainerStatus::running);
    }

    private static boolean aliveAndNotZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    /** The command's pid, as the shim records it once it has started the command. */
    private long childPid(String containerId) {
        Path file = dataDir.resolve("runtime/process/containers").resolve(containerId).resolve("child.pid");
        await().atMost(WAIT).until(() -> Files.exists(file));
        try {
            return Long.parseLong(Files.readString(file).strip());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private long shimPid(String containerId) throws IOException {
        var record = new java.util.Properties();
        try (var in = Files.newBufferedReader(dataDir.resolve("runtime/process/containers").resolve(containerId).resolve("record.properties"))) {
            record.load(in);
        }
        return Long.parseLong(record.getProperty("pid"));
    }
}
