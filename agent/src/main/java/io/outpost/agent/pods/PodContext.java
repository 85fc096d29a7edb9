package io.outpost.agent.pods;

import java.nio.file.Path;

import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.agent.env.NodeAllocatable;
import io.outpost.agent.runtime.ContainerRuntime;
import io.outpost.agent.state.StatusSink;
import io.outpost.agent.volume.VolumeManager;

/**
 * What every pod worker shares: the manager's configuration and the node-wide helpers built from
 * it. Immutable after construction; the helpers are thread-safe.
 */
final class PodContext {

    private final PodManagerConfig config;
    private final CrashBackOff backOff;
    private final CrashBackOff imagePullBackOff;
    private final VolumeManager volumes;
    private final Events events;
    private final NodeAllocatable allocatable;
    private final SandboxStarts sandboxStarts = SandboxStarts.forThisHost();

    PodContext(PodManagerConfig config) {
        this.config = config;
        this.backOff = new CrashBackOff(config.backOff(), config.clock());
        // kubelet's image back-off has the crash back-off's bounds (10 s doubling to 5 min).
        this.imagePullBackOff = new CrashBackOff(config.backOff(), config.clock());
        this.allocatable = NodeAllocatable.ofHost();
        this.volumes = new VolumeManager(config.dataDir().resolve("pods"), config.desiredState(), config.hostIp(), allocatable,
                !config.runtime().info().name().equals("simulated"));
        this.events = new Events(config.statusSink(), config.clock(), config.nodeName());
    }

    PodManagerConfig config() {
        return config;
    }

    ContainerRuntime runtime() {
        return config.runtime();
    }

    StatusSink sink() {
        return config.statusSink();
    }

    CrashBackOff backOff() {
        return backOff;
    }

    /** Back-off of failed image pulls, one per pod uid and image (kubelet's {@code backOffKey}). */
    CrashBackOff imagePullBackOff() {
        return imagePullBackOff;
    }

    /** The containerd runtime, when that is what runs the pods: then the CRI-only settings are passed. */
    java.util.Optional<io.outpost.agent.runtime.containerd.ContainerdRuntime> containerd() {
        return config.runtime() instanceof io.outpost.agent.runtime.containerd.ContainerdRuntime c
                ? java.util.Optional.of(c) : java.util.Optional.empty();
    }

    /** The turns of pods' first starts on the CNI network (containerd only). */
    SandboxStarts sandboxStarts() {
        return sandboxStarts;
    }

    VolumeManager volumes() {
        return volumes;
    }

    Events events() {
        return events;
    }

    NodeAllocatable allocatable() {
        return allocatable;
    }

    /** The pod's IP: its sandbox's (a CNI address with containerd), else the node's (host network). */
    static String podIp(io.outpost.agent.runtime.SandboxStatus sandbox, String hostIp) {
        return sandbox == null || sandbox.ip() == null || sandbox.ip().isBlank() ? hostIp : sandbox.ip();
    }

    /** Kubelet's log directory of a pod: {@code /var/log/pods/<ns>_<name>_<uid>}, under the data dir. */
    Path logDirectory(Pod pod) {
        return config.dataDir().resolve("logs").resolve("pods").resolve(
                pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName() + "_" + pod.getMetadata().getUid());
    }
}
