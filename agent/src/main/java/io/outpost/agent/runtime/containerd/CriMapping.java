package io.outpost.agent.runtime.containerd;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.ContainerState;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.Mount;
import io.outpost.agent.runtime.Resources;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.cri.v1.Capability;
import io.outpost.cri.v1.ContainerMetadata;
import io.outpost.cri.v1.DNSConfig;
import io.outpost.cri.v1.ImageSpec;
import io.outpost.cri.v1.Int64Value;
import io.outpost.cri.v1.KeyValue;
import io.outpost.cri.v1.LinuxContainerConfig;
import io.outpost.cri.v1.LinuxContainerResources;
import io.outpost.cri.v1.LinuxContainerSecurityContext;
import io.outpost.cri.v1.LinuxPodSandboxConfig;
import io.outpost.cri.v1.LinuxSandboxSecurityContext;
import io.outpost.cri.v1.NamespaceMode;
import io.outpost.cri.v1.NamespaceOption;
import io.outpost.cri.v1.PodSandboxConfig;
import io.outpost.cri.v1.PodSandboxMetadata;
import io.outpost.cri.v1.PortMapping;
import io.outpost.cri.v1.Protocol;
import io.outpost.cri.v1.SecurityProfile;

/**
 * Translation between the agent's runtime records and CRI messages, following kubelet's
 * {@code kuberuntime} ({@code kuberuntime_sandbox.go}, {@code kuberuntime_container_linux.go}).
 * What CRI does not return (a container's command, env, resources; a sandbox's log directory) is
 * kept in annotations, so a container listed after an agent restart carries the same
 * {@link ContainerConfig} it was created with.
 *
 * <p>Thread model: pure functions.
 */
final class CriMapping {

    /** On every sandbox and container this agent creates: lists ask only for these. */
    static final String OWNER_LABEL = "io.outpost.runtime/owner";
    static final String OWNER = "outpost-agent";

    static final String LOG_DIRECTORY = "io.outpost.runtime/log-directory";
    static final String HOST_NETWORK = "io.outpost.runtime/host-network";
    static final String IMAGE = "io.outpost.runtime/image";
    static final String COMMAND = "io.outpost.runtime/command";
    static final String ARGS = "io.outpost.runtime/args";
    static final String WORKING_DIR = "io.outpost.runtime/working-dir";
    static final String ENV = "io.outpost.runtime/env";
    static final String LOG_PATH = "io.outpost.runtime/log-path";
    static final String RESOURCES = "io.outpost.runtime/resources";
    /** CRI's ContainerStatus does not name the sandbox; the annotation spares a verbose status. */
    static final String SANDBOX_ID = "io.outpost.runtime/sandbox-id";

    /** kubelet's {@code quotaPeriod} (100 ms) and {@code minQuotaPeriod}, {@code MinShares}. */
    static final long CPU_PERIOD_US = 100_000;
    static final long MIN_QUOTA_US = 1_000;
    static final long MIN_SHARES = 2;

    private static final String SEP = "\u0000";

    private CriMapping() {
    }

    static PodSandboxConfig sandbox(SandboxConfig c, PodNetwork net) {
        Map<String, String> labels = new HashMap<>(c.labels());
        labels.put(OWNER_LABEL, OWNER);
        PodSandboxConfig.Builder b = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(c.name()).setNamespace(c.namespace()).setUid(c.uid())
                        .setAttempt(c.attempt()))
                .setLogDirectory(c.logDirectory().toString())
                .putAllLabels(labels)
                .putAnnotations(LOG_DIRECTORY, c.logDirectory().toString())
                .putAnnotations(HOST_NETWORK, Boolean.toString(c.hostNetwork()));
        // kubelet leaves the hostname empty for host-network pods: they see the node's.
        if (!c.hostNetwork()) {
            b.setHostname(net.hostname().isEmpty() ? c.name() : net.hostname());
        }
        if (!net.dnsServers().isEmpty() || !net.dnsSearches().isEmpty() || !net.dnsOptions().isEmpty()) {
            b.setDnsConfig(DNSConfig.newBuilder().addAllServers(net.dnsServers()).addAllSearches(net.dnsSearches())
                    .addAllOptions(net.dnsOptions()));
        }
        for (PodNetwork.PortMapping p : net.ports()) {
            b.addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.valueOf(p.protocol())).setContainerPort(p.containerPort())
                    .setHostPort(p.hostPort()).setHostIp(p.hostIp()));
        }
        // Pod-level namespaces as kubelet sets them for a v1 pod: network and IPC shared by the
        // pod (or the node's), PID per container (shareProcessNamespace unset).
        b.setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                .setNamespaceOptions(NamespaceOption.newBuilder()
                        .setNetwork(c.hostNetwork() ? NamespaceMode.NODE : NamespaceMode.POD)
                        .setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD))));
        return b.build();
    }

    static SandboxConfig sandboxConfig(io.outpost.cri.v1.PodSandboxMetadata m, Map<String, String> labels,
                                       Map<String, String> annotations) {
        return new SandboxConfig(m.getName(), m.getNamespace(), m.getUid(), m.getAttempt(),
                Path.of(annotations.getOrDefault(LOG_DIRECTORY, "/")), Boolean.parseBoolean(annotations.get(HOST_NETWORK)),
                withoutOwner(labels));
    }

    /**
     * kubelet's {@code calculateLinuxResources}: shares from the CPU request ({@code
     * milliCPUToShares}, at least 2), a CFS quota from the CPU limit over a 100 ms period (at
     * least 1 ms), the memory limit in bytes.
     */
    static LinuxContainerResources resources(Resources r) {
        LinuxContainerResources.Builder b = LinuxContainerResources.newBuilder();
        long request = r.cpuMillisRequest() > 0 ? r.cpuMillisRequest() : r.cpuMillisLimit();
        b.setCpuShares(Math.max(MIN_SHARES, request * 1024 / 1000));
        if (r.cpuMillisLimit() > 0) {
            b.setCpuPeriod(CPU_PERIOD_US).setCpuQuota(Math.max(MIN_QUOTA_US, r.cpuMillisLimit() * CPU_PERIOD_US / 1000));
        }
        if (r.memoryLimitBytes() > 0) {
            b.setMemoryLimitInBytes(r.memoryLimitBytes());
        }
        return b.build();
    }

    static io.outpost.cri.v1.ContainerConfig container(String sandboxId, ContainerConfig c, Path logDirectory, ContainerSecurity sec) {
        Map<String, String> labels = new HashMap<>(c.labels());
        labels.put(OWNER_LABEL, OWNER);
        io.outpost.cri.v1.ContainerConfig.Builder b = io.outpost.cri.v1.ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(c.name()).setAttempt(c.attempt()))
                .setImage(ImageSpec.newBuilder().setImage(c.image()))
                .addAllCommand(c.command())
                .addAllArgs(c.args())
                .setWorkingDir(c.workingDir())
                .putAllLabels(labels)
                .putAnnotations(SANDBOX_ID, sandboxId)
                .putAnnotations(IMAGE, c.image())
                .putAnnotations(COMMAND, join(c.command()))
                .putAnnotations(ARGS, join(c.args()))
                .putAnnotations(WORKING_DIR, c.workingDir())
                .putAnnotations(LOG_PATH, c.logPath().toString())
                .putAnnotations(RESOURCES, c.resources().cpuMillisLimit() + "," + c.resources().cpuMillisRequest() + ","
                        + c.resources().memoryLimitBytes());
        List<String> env = new ArrayList<>();
        c.env().forEach((k, v) -> {
            b.addEnvs(KeyValue.newBuilder().setKey(k).setValue(v));
            env.add(k + "=" + v);
        });
        b.putAnnotations(ENV, join(env));
        for (Mount m : c.mounts()) {
            b.addMounts(io.outpost.cri.v1.Mount.newBuilder().setHostPath(m.hostPath().toString())
                    .setContainerPath(m.containerPath()).setReadonly(m.readOnly()));
        }
        // CRI's log_path is relative to the sandbox's log_directory.
        b.setLogPath(c.logPath().startsWith(logDirectory) ? logDirectory.relativize(c.logPath()).toString() : c.logPath().toString());
        b.setLinux(LinuxContainerConfig.newBuilder().setResources(resources(c.resources())).setSecurityContext(security(sec)));
        return b.build();
    }

    static LinuxContainerSecurityContext security(ContainerSecurity s) {
        LinuxContainerSecurityContext.Builder b = LinuxContainerSecurityContext.newBuilder()
                .setPrivileged(s.privileged())
                .setReadonlyRootfs(s.readOnlyRootFilesystem())
                .setNoNewPrivs(s.noNewPrivileges())
                .addAllSupplementalGroups(s.supplementalGroups())
                .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD).setPid(NamespaceMode.CONTAINER)
                        .setIpc(NamespaceMode.POD));
        if (s.runAsUser() != null) {
            b.setRunAsUser(Int64Value.newBuilder().setValue(s.runAsUser()));
        }
        if (s.runAsGroup() != null) {
            b.setRunAsGroup(Int64Value.newBuilder().setValue(s.runAsGroup()));
        }
        if (!s.addCapabilities().isEmpty() || !s.dropCapabilities().isEmpty()) {
            b.setCapabilities(Capability.newBuilder().addAllAddCapabilities(s.addCapabilities())
                    .addAllDropCapabilities(s.dropCapabilities()));
        }
        if (!s.seccomp().isEmpty()) {
            b.setSeccomp(profile(s.seccomp(), s.seccompLocalhostProfile()));
        }
        if (!s.apparmor().isEmpty()) {
            b.setApparmor(profile(s.apparmor(), s.apparmorLocalhostProfile()));
        }
        return b.build();
    }

    private static SecurityProfile profile(String type, String localhostRef) {
        SecurityProfile.ProfileType t = switch (type) {
            case "RuntimeDefault" -> SecurityProfile.ProfileType.RuntimeDefault;
            case "Unconfined" -> SecurityProfile.ProfileType.Unconfined;
            case "Localhost" -> SecurityProfile.ProfileType.Localhost;
            default -> throw new IllegalArgumentException("security profile type " + type
                    + " is not RuntimeDefault, Unconfined or Localhost");
        };
        return SecurityProfile.newBuilder().setProfileType(t).setLocalhostRef(localhostRef).build();
    }

    /** A CRI container status as the agent's record, its config read back from the annotations. */
    static ContainerStatus status(io.outpost.cri.v1.ContainerStatus s, String sandboxId) {
        Map<String, String> a = s.getAnnotationsMap();
        List<Mount> mounts = s.getMountsList().stream()
                .map(m -> new Mount(Path.of(m.getHostPath()), m.getContainerPath(), m.getReadonly())).toList();
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : split(a.getOrDefault(ENV, ""))) {
            int eq = kv.indexOf('=');
            env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        ContainerConfig config = new ContainerConfig(s.getMetadata().getName(), s.getMetadata().getAttempt(),
                a.getOrDefault(IMAGE, s.getImage().getImage()), split(a.getOrDefault(COMMAND, "")), split(a.getOrDefault(ARGS, "")),
                a.getOrDefault(WORKING_DIR, ""), env, mounts, parseResources(a.getOrDefault(RESOURCES, "")),
                Path.of(a.getOrDefault(LOG_PATH, s.getLogPath())), withoutOwner(s.getLabelsMap()));
        ContainerState state = switch (s.getState()) {
            case CONTAINER_CREATED -> ContainerState.CREATED;
            case CONTAINER_RUNNING -> ContainerState.RUNNING;
            case CONTAINER_EXITED -> ContainerState.EXITED;
            default -> ContainerState.UNKNOWN;
        };
        return new ContainerStatus(s.getId(), sandboxId, config, state, instant(s.getCreatedAt()), instantOrNull(s.getStartedAt()),
                instantOrNull(s.getFinishedAt()), s.getExitCode(), exitReason(s), s.getMessage());
    }

    /** containerd reports {@code OOMKilled}, {@code Completed} or {@code Error} once exited. */
    private static String exitReason(io.outpost.cri.v1.ContainerStatus s) {
        if (s.getState() != io.outpost.cri.v1.ContainerState.CONTAINER_EXITED) {
            return s.getReason();
        }
        if (!s.getReason().isEmpty()) {
            return s.getReason();
        }
        return s.getExitCode() == 0 ? "Completed" : "Error";
    }

    static Resources parseResources(String value) {
        String[] parts = value.split(",");
        if (parts.length != 3) {
            return Resources.NONE;
        }
        return new Resources(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }

    static Map<String, String> withoutOwner(Map<String, String> labels) {
        Map<String, String> m = new HashMap<>(labels);
        m.remove(OWNER_LABEL);
        return m;
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(0, nanos);
    }

    private static Instant instantOrNull(long nanos) {
        return nanos <= 0 ? null : instant(nanos);
    }

    private static String join(List<String> values) {
        return values.isEmpty() ? "" : String.join(SEP, values) + SEP;
    }

    private static List<String> split(String joined) {
        if (joined.isEmpty()) {
            return List.of();
        }
        return Arrays.asList(joined.substring(0, joined.length() - 1).split(SEP, -1));
    }

    /** containerd's verbose info is JSON with {@code "sandboxID":"..."}; read only that key. */
    static String sandboxIdFromInfo(Map<String, String> info) {
        String json = info.getOrDefault("info", "");
        int key = json.indexOf("\"sandboxID\"");
        if (key < 0) {
            return "";
        }
        int start = json.indexOf('"', json.indexOf(':', key) + 1) + 1;
        return json.substring(start, json.indexOf('"', start));
    }
}
