package io.outpost.agent.pods;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import io.outpost.agent.runtime.ContainerRuntime;
import io.outpost.agent.state.DesiredState;
import io.outpost.agent.state.StatusSink;

/**
 * What a {@link PodManager} runs on.
 *
 * @param nodeName     this node's name (pods' {@code spec.nodeName})
 * @param dataDir      the agent's data directory: logs go to {@code pods/}, volumes to {@code volumes/}
 * @param runtime      the container runtime (process, simulated, containerd)
 * @param desiredState what the control plane wants, as the sync layer persisted it
 * @param statusSink   where pod statuses and events go
 * @param clock        for timestamps and crash back-off (a fake one in tests)
 * @param hostIp       the node's InternalIP: {@code status.hostIP}, and {@code podIP} of host-network
 *                     and process pods
 * @param resync       how often the manager relists the runtime's containers and wakes the workers
 *                     of pods whose containers changed (kubelet's PLEG relists every second), and
 *                     how often a worker whose pod is still on its way re-syncs; a worker with
 *                     nothing to do waits for an event, or {@link #steadyResync()}
 * @param backOff      the crash-loop back-off (kubelet's: 10 s doubling to 5 min)
 */
public record PodManagerConfig(String nodeName, Path dataDir, ContainerRuntime runtime, DesiredState desiredState,
                               StatusSink statusSink, Clock clock, String hostIp, Duration resync,
                               BackOffPolicy backOff) {

    public PodManagerConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(desiredState, "desiredState");
        Objects.requireNonNull(statusSink, "statusSink");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(hostIp, "hostIp");
        Objects.requireNonNull(resync, "resync");
        Objects.requireNonNull(backOff, "backOff");
    }

    /** The fallback re-sync of a worker whose pod is settled: ten resyncs (kubelet's pod workers wait a minute). */
    public Duration steadyResync() {
        return resync.multipliedBy(10);
    }

    /** The defaults: resync every second, kubelet's back-off. */
    public static PodManagerConfig of(String nodeName, Path dataDir, ContainerRuntime runtime,
                                      DesiredState desiredState, StatusSink statusSink, Clock clock, String hostIp) {
        return new PodManagerConfig(nodeName, dataDir, runtime, desiredState, statusSink, clock, hostIp,
                Duration.ofSeconds(1), BackOffPolicy.KUBELET);
    }
}
