package io.outpost.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;
import io.outpost.agent.runtime.process.ProcessRuntime;
import io.outpost.agent.testing.InMemoryDesiredState;
import io.outpost.agent.testing.Pods;
import io.outpost.testing.FakeClock;
import io.outpost.testing.Prerequisites;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory limits enforced through the host's cgroups, where this host lets the agent write them. */
class CgroupLimitsTest {

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
    void aContainerOverItsMemoryLimitIsOomKilledAndReportedSo() throws Exception {
        agent = new ProcessAgent(dataDir, desired, new FakeClock(Instant.now()), Path.of("/sys/fs/cgroup"));
        String limits = agent.runtime.info().nodeNotes().get(ProcessRuntime.LIMITS_ANNOTATION);
        Prerequisites.require(!limits.startsWith("none"), "writable cgroups (v2 with memory and cpu controllers, or v1): " + limits);

        desired.put(Pods.shell("hog", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived")
                .editSpec().withRestartPolicy("Never").editFirstContainer().withNewResources()
                .withLimits(Map.of("memory", new Quantity("32Mi"), "cpu", new Quantity("500m"))).endResources()
                .endContainer().endSpec().build());

        await().atMost(Duration.ofSeconds(60)).until(() -> agent.sink.phase("default", "hog").equals("Failed"));
        var main = agent.sink.container("default", "hog", "main").orElseThrow();
        assertThat(main.getState().getTerminated().getReason()).isEqualTo("OOMKilled");
        assertThat(main.getState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(agent.sink.pod("default", "hog").orElseThrow().getQosClass()).isEqualTo("Guaranteed");
    }

    @Test
    void anExecProbeRunsInTheContainersCgroup() throws Exception {
        agent = new ProcessAgent(dataDir, desired, new FakeClock(Instant.now()), Path.of("/sys/fs/cgroup"));
        String limits = agent.runtime.info().nodeNotes().get(ProcessRuntime.LIMITS_ANNOTATION);
        Prerequisites.require(!limits.startsWith("none"), "writable cgroups (v2 with memory and cpu controllers, or v1): " + limits);
        desired.put(Pods.shell("probed", "exec sleep 60").editSpec().editFirstContainer().withNewResources()
                .withLimits(Map.of("memory", new Quantity("64Mi"))).endResources().endContainer().endSpec().build());
        await().atMost(Duration.ofSeconds(20)).until(() -> agent.sink.phase("default", "probed").equals("Running"));
        String id = agent.runtime.listContainers().getFirst().id();

        var result = agent.runtime.execSync(id, java.util.List.of("cat", "/proc/self/cgroup"), Duration.ofSeconds(5));
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains(id);
    }

    @Test
    void withoutWritableCgroupsContainersRunWithoutLimitsAndTheNodeIsToldWhy() throws Exception {
        agent = new ProcessAgent(dataDir, desired, new FakeClock(Instant.now()), dataDir.resolve("nothing-here"));
        assertThat(agent.runtime.info().nodeNotes().get(ProcessRuntime.LIMITS_ANNOTATION)).startsWith("none: ");
        desired.put(Pods.shell("free", "exec sleep 60").editSpec().editFirstContainer().withNewResources()
                .withLimits(Map.of("memory", new Quantity("32Mi"))).endResources().endContainer().endSpec().build());
        await().atMost(Duration.ofSeconds(20)).until(() -> agent.sink.phase("default", "free").equals("Running"));
        assertThat(Files.exists(dataDir.resolve("nothing-here"))).isFalse();
    }
}
