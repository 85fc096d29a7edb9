package io.outpost.agent.node;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The node's status from a {@link HostSample}, as kubelet's {@code nodestatus} setters make it.
 * Conditions carry kubelet's reasons with the agent's name in them: {@code AgentReady} (kubelet's
 * {@code KubeletReady}), {@code AgentHasSufficientMemory} / {@code AgentHasInsufficientMemory},
 * {@code AgentHasNoDiskPressure} / {@code AgentHasDiskPressure}, {@code AgentHasSufficientPID} /
 * {@code AgentHasInsufficientPID}. Pressure uses kubelet's default hard eviction thresholds:
 * memory available under 100 MiB, the data dir's filesystem under 10 % free; PIDs under 5 % free.
 * A condition keeps its {@code lastTransitionTime} while its status holds.
 */
final class NodeStatusGenerator {

    static final long MEMORY_THRESHOLD = 100L * 1024 * 1024;
    static final int MAX_PODS = 110;

    /** Host facts that do not change between samples. */
    record Identity(String hostname, String hostIp, String arch, String kernel, String osImage, String machineId,
                    String bootId, String runtimeVersion, String agentVersion) {
    }

    private NodeStatusGenerator() {
    }

    static NodeStatus build(Identity id, HostSample s, NodeStatus previous, Instant now) {
        Map<String, Quantity> capacity = new LinkedHashMap<>();
        capacity.put("cpu", new Quantity(millis(s.cpuMillis())));
        capacity.put("memory", new Quantity(s.memTotalBytes() / 1024 + "Ki"));
        capacity.put("pods", new Quantity(Integer.toString(MAX_PODS)));
        capacity.put("ephemeral-storage", new Quantity(s.diskTotalBytes() / 1024 + "Ki"));
        // no system or kube reservations on an edge agent: allocatable is capacity
        Map<String, Quantity> allocatable = new LinkedHashMap<>(capacity);

        boolean memoryPressure = s.memAvailableBytes() < MEMORY_THRESHOLD;
        boolean diskPressure = s.diskTotalBytes() > 0 && s.diskAvailableBytes() * 10 < s.diskTotalBytes();
        boolean pidPressure = s.pidMax() > 0 && (s.pidMax() - s.processes()) * 20 < s.pidMax();
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(condition(previous, now, "MemoryPressure", memoryPressure,
                memoryPressure ? "AgentHasInsufficientMemory" : "AgentHasSufficientMemory",
                memoryPressure ? "outpost agent has insufficient memory available" : "outpost agent has sufficient memory available"));
        conditions.add(condition(previous, now, "DiskPressure", diskPressure,
                diskPressure ? "AgentHasDiskPressure" : "AgentHasNoDiskPressure",
                diskPressure ? "outpost agent has disk pressure" : "outpost agent has no disk pressure"));
        conditions.add(condition(previous, now, "PIDPressure", pidPressure,
                pidPressure ? "AgentHasInsufficientPID" : "AgentHasSufficientPID",
                pidPressure ? "outpost agent has insufficient PID available" : "outpost agent has sufficient PID available"));
        conditions.add(condition(previous, now, "Ready", true, "AgentReady", "outpost agent is posting ready status"));

        return new NodeStatusBuilder()
                .withCapacity(capacity)
                .withAllocatable(allocatable)
                .withConditions(conditions)
                .withAddresses(new NodeAddress(id.hostIp(), "InternalIP"), new NodeAddress(id.hostname(), "Hostname"))
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(0).endKubeletEndpoint().endDaemonEndpoints()
                .withNodeInfo(new NodeSystemInfoBuilder()
                        .withArchitecture(id.arch())
                        .withOperatingSystem("linux")
                        .withKernelVersion(id.kernel())
                        .withOsImage(id.osImage())
                        .withMachineID(id.machineId())
                        .withSystemUUID(id.machineId())
                        .withBootID(id.bootId())
                        .withContainerRuntimeVersion(id.runtimeVersion())
                        .withKubeletVersion(id.agentVersion())
                        .withKubeProxyVersion("")
                        .build())
                .build();
    }

    private static String millis(long m) {
        return m % 1000 == 0 ? Long.toString(m / 1000) : m + "m";
    }

    private static NodeCondition condition(NodeStatus previous, Instant now, String type, boolean status, String reason, String message) {
        String s = status ? "True" : "False";
        String since = now.toString();
        if (previous != null && previous.getConditions() != null) {
            for (NodeCondition c : previous.getConditions()) {
                if (type.equals(c.getType()) && s.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    since = c.getLastTransitionTime();
                }
            }
        }
        return new NodeConditionBuilder().withType(type).withStatus(s).withReason(reason).withMessage(message)
                .withLastHeartbeatTime(now.toString()).withLastTransitionTime(since).build();
    }

    /** The status without heartbeat times: what decides whether anything changed. */
    static NodeStatus withoutHeartbeats(NodeStatus s) {
        if (s == null) {
            return null;
        }
        NodeStatusBuilder b = new NodeStatusBuilder(s);
        List<NodeCondition> cs = new ArrayList<>();
        for (NodeCondition c : s.getConditions()) {
            cs.add(new NodeConditionBuilder(c).withLastHeartbeatTime(null).build());
        }
        return b.withConditions(cs).build();
    }

}
