package io.outpost.agent.runtime.containerd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.ContainerRuntime;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.ExecResult;
import io.outpost.agent.runtime.RuntimeFailure;
import io.outpost.agent.runtime.RuntimeInfo;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.agent.runtime.SandboxStatus;
import io.outpost.cri.CriChannel;
import io.outpost.cri.v1.ContainerFilter;
import io.outpost.cri.v1.ContainerStatusRequest;
import io.outpost.cri.v1.CreateContainerRequest;
import io.outpost.cri.v1.ExecSyncRequest;
import io.outpost.cri.v1.ExecSyncResponse;
import io.outpost.cri.v1.ListContainersRequest;
import io.outpost.cri.v1.ListPodSandboxRequest;
import io.outpost.cri.v1.PodSandbox;
import io.outpost.cri.v1.PodSandboxConfig;
import io.outpost.cri.v1.PodSandboxFilter;
import io.outpost.cri.v1.PodSandboxState;
import io.outpost.cri.v1.PodSandboxStatusRequest;
import io.outpost.cri.v1.PodSandboxStatusResponse;
import io.outpost.cri.v1.RemoveContainerRequest;
import io.outpost.cri.v1.RemovePodSandboxRequest;
import io.outpost.cri.v1.RunPodSandboxRequest;
import io.outpost.cri.v1.RuntimeServiceGrpc;
import io.outpost.cri.v1.StartContainerRequest;
import io.outpost.cri.v1.StopContainerRequest;
import io.outpost.cri.v1.StopPodSandboxRequest;
import io.outpost.cri.v1.VersionRequest;
import io.outpost.cri.v1.VersionResponse;

/**
 * The {@code containerd} runtime: every call is the CRI call of the same name on containerd's
 * CRI plugin, over its unix socket, as kubelet makes it ({@code pkg/kubelet/kuberuntime}). Pods
 * get a sandbox with CNI networking (the pause container holds the network namespace), containers
 * run images from containerd's {@code k8s.io} namespace, pulled first through {@link Images}
 * according to the pull policy.
 *
 * <p>containerd is the source of truth: nothing is kept on disk here. Every sandbox and container
 * carries the label {@link CriMapping#OWNER_LABEL}, lists ask only for those (so a containerd
 * shared with another kubelet is left alone), and a container's full {@link ContainerConfig} rides
 * in its annotations, so a second runtime instance (the agent restarted) lists and adopts what
 * runs. Sandbox configs are cached only because {@code CreateContainer} needs them again.
 *
 * <p>When built by {@link #managed}, the runtime owns a {@link ManagedContainerd} and stops it on
 * {@link #close()}; containers keep running under their shims either way.
 *
 * <p>While containerd is down (restarted by its supervisor), calls wait for its socket until their
 * deadline; past it they throw gRPC's {@code StatusRuntimeException} (UNAVAILABLE or
 * DEADLINE_EXCEEDED), never an empty list: a caller must read that as "runtime unreachable, try
 * again", not as "nothing runs".
 *
 * <p>Thread model: any thread, concurrently; gRPC stubs are thread-safe and the caches are
 * concurrent maps. Every call blocks its caller (virtual threads in the agent) under a deadline.
 */
public final class ContainerdRuntime implements ContainerRuntime {

    /** Deadline of quick CRI calls; RunPodSandbox (CNI) and pulls get longer ones. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SANDBOX_TIMEOUT = Duration.ofMinutes(4);

    private final CriChannel channel;
    private final String hostIp;
    private final Images images;
    private final ManagedContainerd managed;
    private final Map<String, PodSandboxConfig> sandboxConfigs = new ConcurrentHashMap<>();

    public ContainerdRuntime(CriChannel channel, String hostIp) {
        this(channel, hostIp, null);
    }

    private ContainerdRuntime(CriChannel channel, String hostIp, ManagedContainerd managed) {
        this.channel = channel;
        this.hostIp = hostIp;
        this.images = new Images(channel);
        this.managed = managed;
    }

    /** The runtime over an existing containerd ({@code --container-runtime-endpoint}). */
    public static ContainerdRuntime connect(String endpoint, String hostIp) {
        return new ContainerdRuntime(CriChannel.open(endpoint), hostIp);
    }

    /** Starts a managed containerd from {@code config} and the runtime over it. */
    public static ContainerdRuntime managed(ContainerdConfig config, String hostIp) throws IOException {
        ManagedContainerd containerd = new ManagedContainerd(config);
        containerd.start();
        return new ContainerdRuntime(CriChannel.open(containerd.endpoint()), hostIp, containerd);
    }

    /** The containerd this runtime started and supervises, if it did. */
    public Optional<ManagedContainerd> managedContainerd() {
        return Optional.ofNullable(managed);
    }

    /**
     * Kubelet's {@code updatePodCIDR}: the node's {@code spec.podCIDR} for the pods' CNI network.
     * A managed containerd's conflist is written from it; an existing containerd
     * ({@code --container-runtime-endpoint}) keeps the CNI configuration its operator gave it.
     */
    public boolean updatePodCidr(String cidr) throws IOException {
        return managed != null && managed.usePodCidr(cidr);
    }

    /**
     * Whether a pod that is not {@code hostNetwork} can get a sandbox: a managed containerd needs
     * the node's pod CIDR first (kubelet does not start such pods while the runtime reports
     * {@code NetworkReady=false}).
     */
    public boolean networkReady() {
        return managed == null || managed.podCidr().isPresent();
    }

    /**
     * An image garbage collector over this runtime's containerd; the agent runs {@link
     * ImageGarbageCollector#collect()} periodically (kubelet: every 5 minutes).
     */
    public ImageGarbageCollector imageGarbageCollector(ImageGarbageCollector.Policy policy, java.time.Clock clock) {
        String sandboxImage = managed == null ? "" : managed.config().sandboxImage();
        return new ImageGarbageCollector(new CriImageNode(channel, sandboxImage), policy, clock);
    }

    /**
     * Log rotation for this runtime's containers (kubelet's {@code containerLogMaxSize},
     * {@code containerLogMaxFiles}: 10 MiB, 5); the agent runs {@link ContainerLogRotator#rotateAll()}
     * every 10 s.
     */
    public ContainerLogRotator logRotator(java.time.Clock clock, long maxBytes, int maxFiles) {
        return new ContainerLogRotator(this, channel, clock, maxBytes, maxFiles);
    }

    public Images images() {
        return images;
    }

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
        return channel.runtime().withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public RuntimeInfo info() {
        VersionResponse v = rt().version(VersionRequest.newBuilder().setVersion("v1").build());
        return new RuntimeInfo("containerd", v.getRuntimeVersion(), Map.of(), Map.of());
    }

    @Override
    public String runPodSandbox(SandboxConfig config) throws RuntimeFailure {
        return runPodSandbox(config, PodNetwork.DEFAULT);
    }

    /** RunPodSandbox with the hostname, DNS and host ports {@link SandboxConfig} does not carry. */
    public String runPodSandbox(SandboxConfig config, PodNetwork network) throws RuntimeFailure {
        PodSandboxConfig cri = CriMapping.sandbox(config, network);
        try {
            Files.createDirectories(config.logDirectory());
            String id = channel.runtime().withDeadlineAfter(SANDBOX_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(cri).build()).getPodSandboxId();
            sandboxConfigs.put(id, cri);
            return id;
        } catch (StatusRuntimeException | IOException e) {
            throw new RuntimeFailure(RuntimeFailure.CREATE_SANDBOX_ERROR, "RunPodSandbox for " + config.namespace() + "/"
                    + config.name() + ": " + CriErrors.message(e), e);
        }
    }

    @Override
    public void stopPodSandbox(String sandboxId) {
        CriErrors.ignoreNotFound(() -> channel.runtime().withDeadlineAfter(SANDBOX_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build()));
    }

    @Override
    public void removePodSandbox(String sandboxId) {
        CriErrors.ignoreNotFound(() -> channel.runtime().withDeadlineAfter(SANDBOX_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build()));
        sandboxConfigs.remove(sandboxId);
    }

    @Override
    public List<SandboxStatus> listPodSandboxes() {
        return listPodSandboxes(Map.of());
    }

    @Override
    public List<SandboxStatus> listPodSandboxes(Map<String, String> labels) {
        List<PodSandbox> items = CriErrors.acrossRestart(() -> rt().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .putAllLabelSelector(labels).putLabelSelector(CriMapping.OWNER_LABEL, CriMapping.OWNER)).build())).getItemsList();
        List<SandboxStatus> out = new ArrayList<>();
        for (PodSandbox item : items) {
            sandboxStatus(item.getId()).ifPresent(out::add);
        }
        return out;
    }

    /** One sandbox's status with its IP (CRI PodSandboxStatus); empty once removed. */
    public Optional<SandboxStatus> sandboxStatus(String sandboxId) {
        PodSandboxStatusResponse r;
        try {
            r = CriErrors.acrossRestart(() -> rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandboxId).build()));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        var s = r.getStatus();
        SandboxConfig config = CriMapping.sandboxConfig(s.getMetadata(), s.getLabelsMap(), s.getAnnotationsMap());
        // A host-network sandbox has no CNI address: the pod's IP is the node's, as kubelet reports it.
        String ip = config.hostNetwork() ? hostIp : s.getNetwork().getIp();
        return Optional.of(new SandboxStatus(s.getId(), config, s.getState() == PodSandboxState.SANDBOX_READY, ip,
                CriMapping.instant(s.getCreatedAt())));
    }

    @Override
    public String createContainer(String sandboxId, ContainerConfig config) throws RuntimeFailure {
        return createContainer(sandboxId, config, ContainerSecurity.DEFAULT, ImagePull.IF_NOT_PRESENT);
    }

    /**
     * Makes the image present as {@code pull} says (kubelet's {@code EnsureImageExists}: a failed
     * pull is {@code ErrImagePull}, an absent image under {@code Never} is {@code
     * ErrImageNeverPull}), then CreateContainer with the security context passed through.
     */
    public String createContainer(String sandboxId, ContainerConfig config, ContainerSecurity security, ImagePull pull)
            throws RuntimeFailure {
        return createContainer(sandboxId, config, security, pull, PullEvents.NONE);
    }

    /** As {@link #createContainer(String, ContainerConfig, ContainerSecurity, ImagePull)}, reporting the image's pull to {@code events}. */
    public String createContainer(String sandboxId, ContainerConfig config, ContainerSecurity security, ImagePull pull,
                                  PullEvents events) throws RuntimeFailure {
        if (config.image().isBlank()) {
            throw new RuntimeFailure("InvalidImageName", "container " + config.name() + " has no image; set spec.containers[].image");
        }
        PodSandboxConfig sandbox = sandboxConfig(sandboxId);
        images.ensure(config.image(), pull, sandbox, events);
        Path logDirectory = Path.of(sandbox.getLogDirectory());
        try {
            // kubelet creates the container's log directory before CreateContainer.
            Files.createDirectories(config.logPath().getParent());
            return rt().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(sandboxId)
                    .setConfig(CriMapping.container(sandboxId, config, logDirectory, security)).setSandboxConfig(sandbox).build())
                    .getContainerId();
        } catch (StatusRuntimeException | IOException | IllegalArgumentException e) {
            throw new RuntimeFailure(RuntimeFailure.CREATE_CONTAINER_ERROR, "CreateContainer " + config.name() + ": " + CriErrors.message(e), e);
        }
    }

    private PodSandboxConfig sandboxConfig(String sandboxId) throws RuntimeFailure {
        PodSandboxConfig cached = sandboxConfigs.get(sandboxId);
        if (cached != null) {
            return cached;
        }
        // After an agent restart: rebuild what CreateContainer needs from the sandbox's status.
        Optional<SandboxStatus> status = sandboxStatus(sandboxId);
        if (status.isEmpty()) {
            throw new RuntimeFailure(RuntimeFailure.CREATE_CONTAINER_ERROR, "pod sandbox " + sandboxId + " does not exist");
        }
        PodSandboxConfig rebuilt = CriMapping.sandbox(status.get().config(), PodNetwork.DEFAULT);
        sandboxConfigs.put(sandboxId, rebuilt);
        return rebuilt;
    }

    @Override
    public void startContainer(String containerId) throws RuntimeFailure {
        try {
            rt().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
        } catch (StatusRuntimeException e) {
            throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "StartContainer: " + CriErrors.message(e), e);
        }
    }

    @Override
    public void stopContainer(String containerId, Duration timeout) {
        // CRI takes whole seconds; round up so a grace period is never cut short.
        long seconds = (timeout.toMillis() + 999) / 1000;
        CriErrors.ignoreNotFound(() -> channel.runtime().withDeadlineAfter(seconds + CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .stopContainer(StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(seconds).build()));
    }

    @Override
    public void removeContainer(String containerId) {
        CriErrors.ignoreNotFound(() -> rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build()));
    }

    @Override
    public List<ContainerStatus> listContainers() {
        return listContainers(Map.of());
    }

    @Override
    public List<ContainerStatus> listContainers(Map<String, String> labels) {
        var containers = CriErrors.acrossRestart(() -> rt().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .putAllLabelSelector(labels).putLabelSelector(CriMapping.OWNER_LABEL, CriMapping.OWNER)).build())).getContainersList();
        List<ContainerStatus> out = new ArrayList<>();
        for (var c : containers) {
            status(c.getId(), c.getPodSandboxId()).ifPresent(out::add);
        }
        return out;
    }

    /** Two CRI calls, whatever the number of pods: the list responses carry every state. */
    @Override
    public Map<String, String> podStates(String podUidLabel) {
        Map<String, List<String>> parts = new java.util.HashMap<>();
        for (PodSandbox s : CriErrors.acrossRestart(() -> rt().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .putLabelSelector(CriMapping.OWNER_LABEL, CriMapping.OWNER)).build())).getItemsList()) {
            parts.computeIfAbsent(s.getMetadata().getUid(), k -> new ArrayList<>()).add("s:" + s.getId() + ":" + s.getState());
        }
        for (var c : CriErrors.acrossRestart(() -> rt().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .putLabelSelector(CriMapping.OWNER_LABEL, CriMapping.OWNER)).build())).getContainersList()) {
            String uid = c.getLabelsMap().get(podUidLabel);
            if (uid != null) {
                parts.computeIfAbsent(uid, k -> new ArrayList<>()).add("c:" + c.getId() + ":" + c.getState());
            }
        }
        return ContainerRuntime.joinStates(parts);
    }

    @Override
    public Optional<ContainerStatus> containerStatus(String containerId) {
        return status(containerId, null);
    }

    private Optional<ContainerStatus> status(String containerId, String sandboxId) {
        try {
            var r = CriErrors.acrossRestart(() -> rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId).build()));
            String sandbox = sandboxId != null ? sandboxId : r.getStatus().getAnnotationsOrDefault(CriMapping.SANDBOX_ID, "");
            if (sandbox.isEmpty()) {
                // Not created by this agent's runtime: containerd's verbose info names the sandbox.
                sandbox = CriMapping.sandboxIdFromInfo(CriErrors.acrossRestart(() -> rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId)
                        .setVerbose(true).build())).getInfoMap());
            }
            return Optional.of(CriMapping.status(r.getStatus(), sandbox));
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Resource usage of this agent's running containers whose labels include {@code labels} (CRI
     * {@code ListContainerStats}), for the node's metrics.
     */
    public List<ContainerStats> containerStats(Map<String, String> labels) {
        return rt().listContainerStats(io.outpost.cri.v1.ListContainerStatsRequest.newBuilder().setFilter(
                        io.outpost.cri.v1.ContainerStatsFilter.newBuilder().putAllLabelSelector(labels)
                                .putLabelSelector(CriMapping.OWNER_LABEL, CriMapping.OWNER)).build())
                .getStatsList().stream().map(ContainerStats::of).toList();
    }

    @Override
    public ExecResult execSync(String containerId, List<String> command, Duration timeout) throws RuntimeFailure {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        try {
            ExecSyncResponse r = channel.runtime().withDeadlineAfter(seconds + CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .execSync(ExecSyncRequest.newBuilder().setContainerId(containerId).addAllCmd(command).setTimeout(seconds).build());
            return new ExecResult(r.getExitCode(), r.getStdout().toString(StandardCharsets.UTF_8),
                    r.getStderr().toString(StandardCharsets.UTF_8), false);
        } catch (StatusRuntimeException e) {
            // containerd answers a command that outlived its timeout with DeadlineExceeded
            // ("timeout Ns exceeded"), as kubelet's exec prober expects.
            if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED || CriErrors.message(e).contains("timeout")) {
                return new ExecResult(-1, "", CriErrors.message(e), true);
            }
            throw new RuntimeFailure(RuntimeFailure.RUN_CONTAINER_ERROR, "ExecSync: " + CriErrors.message(e), e);
        }
    }

    @Override
    public void close() {
        channel.close();
        if (managed != null) {
            managed.close();
        }
    }
}
