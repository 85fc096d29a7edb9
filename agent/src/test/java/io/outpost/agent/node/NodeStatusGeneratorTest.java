package io.outpost.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.outpost.agent.runtime.RuntimeInfo;
import io.outpost.agent.testing.RecordingStatusSink;
import io.outpost.testing.FakeClock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NodeStatusGeneratorTest {

    private static final long GI = 1L << 30;
    private static final NodeStatusGenerator.Identity ID = new NodeStatusGenerator.Identity("edge-host", "192.168.1.7", "arm64",
            "6.1.0", "Debian GNU/Linux 12 (bookworm)", "m1", "b1", "process://0.1.0", "v0.1.0");

    record Case(String name, HostSample sample, String memory, String disk, String pid) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case[] cases() {
        return new Case[] {
            new Case("A node with room to spare has no pressure", new HostSample(4000, 8 * GI, 4 * GI, 100 * GI, 50 * GI, 200, 32768),
                    "AgentHasSufficientMemory", "AgentHasNoDiskPressure", "AgentHasSufficientPID"),
            new Case("Under 100 MiB of available memory is memory pressure", new HostSample(4000, 8 * GI, 99L << 20, 100 * GI, 50 * GI, 200, 32768),
                    "AgentHasInsufficientMemory", "AgentHasNoDiskPressure", "AgentHasSufficientPID"),
            new Case("Under 10 % free on the data dir's filesystem is disk pressure", new HostSample(4000, 8 * GI, 4 * GI, 100 * GI, 9 * GI, 200, 32768),
                    "AgentHasSufficientMemory", "AgentHasDiskPressure", "AgentHasSufficientPID"),
            new Case("Under 5 % of PIDs free is PID pressure", new HostSample(4000, 8 * GI, 4 * GI, 100 * GI, 50 * GI, 31500, 32768),
                    "AgentHasSufficientMemory", "AgentHasNoDiskPressure", "AgentHasInsufficientPID"),
        };
    }

    private static NodeCondition condition(NodeStatus s, String type) {
        return s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pressureConditions(Case c) {
        NodeStatus s = NodeStatusGenerator.build(ID, c.sample(), null, Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(condition(s, "MemoryPressure").getReason()).isEqualTo(c.memory());
        assertThat(condition(s, "DiskPressure").getReason()).isEqualTo(c.disk());
        assertThat(condition(s, "PIDPressure").getReason()).isEqualTo(c.pid());
        assertThat(condition(s, "Ready").getReason()).isEqualTo("AgentReady");
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("True");
    }

    @Test
    void capacityAddressesAndNodeInfoComeFromTheHost() {
        NodeStatus s = NodeStatusGenerator.build(ID, new HostSample(2500, 8 * GI, 4 * GI, 100 * GI, 50 * GI, 200, 32768), null, Instant.EPOCH);
        assertThat(s.getCapacity()).containsEntry("cpu", new Quantity("2500m")).containsEntry("memory", new Quantity("8388608Ki"))
                .containsEntry("pods", new Quantity("110")).containsEntry("ephemeral-storage", new Quantity("104857600Ki"));
        assertThat(s.getAllocatable()).isEqualTo(s.getCapacity());
        assertThat(s.getAddresses()).extracting(a -> a.getType() + "=" + a.getAddress()).containsExactly("InternalIP=192.168.1.7", "Hostname=edge-host");
        assertThat(s.getNodeInfo().getArchitecture()).isEqualTo("arm64");
        assertThat(s.getNodeInfo().getOperatingSystem()).isEqualTo("linux");
        assertThat(s.getNodeInfo().getContainerRuntimeVersion()).isEqualTo("process://0.1.0");
        assertThat(s.getNodeInfo().getKubeletVersion()).isEqualTo("v0.1.0");
    }

    @Test
    void goArchitectureNames() {
        assertThat(HostInfo.goArch("amd64")).isEqualTo("amd64");
        assertThat(HostInfo.goArch("x86_64")).isEqualTo("amd64");
        assertThat(HostInfo.goArch("aarch64")).isEqualTo("arm64");
        assertThat(HostInfo.goArch("arm")).isEqualTo("arm");
    }

    @Test
    void theReporterSendsOnlyChangesOrWhenTheRefreshIsDueAndOwnsItsLabelsAndAnnotations(@TempDir Path dataDir) {
        FakeClock clock = new FakeClock();
        RecordingStatusSink sink = new RecordingStatusSink();
        RuntimeInfo runtime = new RuntimeInfo("simulated", "0.1.0", Map.of(RuntimeInfo.RUNTIME_LABEL, "simulated"), Map.of());
        NodeStatusReporter reporter = new NodeStatusReporter(new NodeStatusReporterConfig("edge-1", dataDir, runtime, sink, clock,
                () -> new LinkQuality(42, 1500), "v0.1.0", "127.0.0.1", Duration.ofSeconds(10), Duration.ofMinutes(5)));

        assertThat(reporter.reportNow()).isTrue();
        assertThat(sink.node().getNodeInfo().getContainerRuntimeVersion()).isEqualTo("simulated://0.1.0");
        clock.advance(Duration.ofSeconds(10));
        assertThat(reporter.reportNow()).as("nothing changed but the heartbeat").isFalse();
        clock.advance(Duration.ofMinutes(5));
        assertThat(reporter.reportNow()).as("refresh due").isTrue();

        assertThat(reporter.labels()).containsEntry("kubernetes.io/os", "linux").containsEntry("kubernetes.io/hostname", "edge-1")
                .containsEntry("node.outpost.io/runtime", "simulated").containsKey("kubernetes.io/arch");
        assertThat(reporter.annotations()).containsEntry("link.outpost.io/rtt-ms", "42").containsEntry("link.outpost.io/bandwidth-kbps", "1500");
    }
}
