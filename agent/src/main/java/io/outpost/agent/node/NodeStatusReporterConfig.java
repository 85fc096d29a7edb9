package io.outpost.agent.node;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import io.outpost.agent.runtime.RuntimeInfo;
import io.outpost.agent.state.StatusSink;

/**
 * What a {@link NodeStatusReporter} reports from.
 *
 * @param period  how often the host is sampled (kubelet's {@code nodeStatusUpdateFrequency}, 10 s);
 *                a status is sent when it changed, and at least every {@link #refresh}
 * @param refresh kubelet's {@code nodeStatusReportFrequency} (5 min): an unchanged status is re-sent
 *                this often
 * @param link    the link's quality as the sync layer measures it
 */
public record NodeStatusReporterConfig(String nodeName, Path dataDir, RuntimeInfo runtime, StatusSink sink, Clock clock,
                                       Supplier<LinkQuality> link, String agentVersion, String hostIp, Duration period,
                                       Duration refresh) {

    public NodeStatusReporterConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(agentVersion, "agentVersion");
        Objects.requireNonNull(hostIp, "hostIp");
    }

    public static NodeStatusReporterConfig of(String nodeName, Path dataDir, RuntimeInfo runtime, StatusSink sink, Clock clock,
                                              Supplier<LinkQuality> link, String agentVersion, String hostIp) {
        return new NodeStatusReporterConfig(nodeName, dataDir, runtime, sink, clock, link, agentVersion, hostIp,
                Duration.ofSeconds(10), Duration.ofMinutes(5));
    }
}
