package io.outpost.agent.pods;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.outpost.agent.probe.ProbeManager;
import io.outpost.agent.probe.Prober;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.RuntimeFailure;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.agent.runtime.SandboxStatus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod's worker (kubelet's {@code podWorkers} goroutine with {@code SyncPod}, {@code
 * SyncTerminatingPod} and {@code SyncTerminatedPod}): on every wake-up it compares the pod's spec
 * with the runtime's containers and acts — sandbox, volumes, init containers in order, containers
 * with restart policy and crash back-off, liveness restarts ({@link ContainerSync}) — then reports
 * the pod's status when it changed. A pod being deleted is stopped gracefully (preStop hooks, grace period), reported
 * terminated, and its containers, sandbox and volumes are removed.
 *
 * <p>Thread model: one virtual thread per worker runs every sync, so a pod's runtime calls never
 * overlap. {@link #update}, {@link #wake}, {@link #removed} and {@link #stop} are called from the
 * manager's dispatch thread and from probe threads; they only set fields and signal.
 */
final class PodWorker {

    private static final Logger LOG = LoggerFactory.getLogger(PodWorker.class);

    private final PodContext ctx;
    private final String uid;
    private final Runnable onDone;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private final ProbeManager probes;
    private final Lifecycle lifecycle;
    private final ContainerStarter starter;
    private final PodStopper stopper;
    private final ContainerSync containerSync;
    private volatile Pod pod;
    /** The inputs generation last handed over with the pod; the dispatcher's thread only. */
    private long inputs;
    /** The sandbox's IP (CNI) or the node's, for probes and hooks; written by the worker thread. */
    private volatile String podIp;
    private boolean woken = true;
    /**
     * The last sync found nothing left to do (every container running, nothing waiting, or the
     * pod finished): the worker then syncs only when woken (its pod changed, the manager's relist
     * saw its containers change, a probe result changed) or after the long steady resync. A pod on
     * its way (starting, backing off, failing to mount) re-syncs every {@code resync}. Worker thread's.
     */
    private boolean steady;
    private boolean stopped;
    private boolean gone;
    private Thread thread;
    private PodStatus lastReported;
    private Instant startTime;
    private final Map<String, Waiting> waiting = new HashMap<>();
    private final StartupTracker startup;

    PodWorker(PodContext ctx, Pod pod, Runnable onDone) {
        this.ctx = ctx;
        this.pod = pod;
        this.uid = pod.getMetadata().getUid();
        this.podIp = ctx.config().hostIp();
        this.onDone = onDone;
        this.startup = new StartupTracker(ctx.config().clock());
        Prober prober = ctx.runtime().info().name().equals("simulated") ? new SucceedingProber(ctx.runtime()) : new Prober(ctx.runtime());
        this.lifecycle = new Lifecycle(ctx.runtime(), prober);
        this.probes = new ProbeManager(prober, ctx.config().clock(), () -> podIp, this::wake,
                (c, kind, message) -> ctx.events().record(this.pod, c.getName(), Events.WARNING, "Unhealthy", "Probe",
                        kind.name().charAt(0) + kind.name().substring(1).toLowerCase() + " probe failed: " + message));
        this.starter = new ContainerStarter(ctx, lifecycle);
        this.stopper = new PodStopper(ctx, lifecycle);
        this.containerSync = new ContainerSync(ctx, uid, lifecycle, starter, probes, waiting, () -> podIp, this::wake);
        if (pod.getStatus() != null && pod.getStatus().getStartTime() != null) {
            startTime = Instant.parse(pod.getStatus().getStartTime());
        }
    }

    void start() {
        thread = Thread.ofVirtual().name("pod-" + pod.getMetadata().getNamespace() + "-" + pod.getMetadata().getName()).start(this::run);
    }

    /**
     * Hands the worker the pod as the desired state now has it, with its inputs generation
     * ({@link io.outpost.agent.state.DesiredState#inputsGeneration}); true if either changed
     * (another resourceVersion; a token, ConfigMap or Secret it reads), so only then is the worker
     * worth waking (kubelet's pod config sends an UPDATE only for the pods that changed; its
     * volume manager retries a mount that waits for a token or a ConfigMap on its own).
     */
    boolean update(Pod newer, long newerInputs) {
        Pod old = pod;
        pod = newer;
        long oldInputs = inputs;
        inputs = newerInputs;
        return !Objects.equals(old.getMetadata().getResourceVersion(), newer.getMetadata().getResourceVersion())
                || oldInputs != newerInputs;
    }

    void wake() {
        lock.lock();
        try {
            woken = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The pod is no longer desired at all (force-deleted): stop it and clean up. */
    void removed() {
        lock.lock();
        try {
            gone = true;
            woken = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the worker thread (agent shutdown); containers keep running. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
        probes.stopAll();
    }

    void join() {
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (true) {
            boolean removedNow;
            lock.lock();
            try {
                long wait = (steady ? ctx.config().steadyResync() : ctx.config().resync()).toNanos();
                while (!woken && !stopped && wait > 0) {
                    wait = wakeUp.awaitNanos(wait);
                }
                if (stopped) {
                    return;
                }
                woken = false;
                removedNow = gone;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                Pod current = pod;
                if (removedNow || current.getMetadata().getDeletionTimestamp() != null) {
                    terminate(current, removedNow);
                    onDone.run();
                    return;
                }
                if (firstStart(current)) {
                    ctx.sandboxStarts().inTurn(() -> sync(current));
                } else {
                    sync(current);
                }
                steady = settled(lastReported);
            } catch (RuntimeException e) {
                steady = false;
                LOG.warn("sync of pod {}/{} failed; retrying at the next resync", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(), e);
            }
        }
    }

    /** Kubelet would have nothing to do for this pod until an event: finished, or running with every container up. */
    private boolean settled(PodStatus status) {
        if (status == null) {
            return false;
        }
        if ("Succeeded".equals(status.getPhase()) || "Failed".equals(status.getPhase())) {
            return true;
        }
        return "Running".equals(status.getPhase()) && waiting.isEmpty() && status.getContainerStatuses() != null
                && status.getContainerStatuses().stream().allMatch(c -> c.getState() != null && c.getState().getRunning() != null);
    }

    /** Containerd, the pod network, and no sandbox made yet by this worker. */
    private boolean firstStart(Pod pod) {
        return !startup.sandboxMade() && ctx.containerd().isPresent() && !Boolean.TRUE.equals(pod.getSpec().getHostNetwork())
                && lastReported == null;
    }

    private List<ContainerStatus> containers() {
        return ctx.runtime().listContainers(Map.of(Labels.POD_UID, uid));
    }

    private SandboxStatus sandbox() {
        return ctx.runtime().listPodSandboxes(Map.of(Labels.POD_UID, uid)).stream()
                .filter(s -> uid.equals(s.config().uid()))
                .max(Comparator.comparingInt(s -> s.config().attempt())).orElse(null);
    }

    private void sync(Pod pod) {
        if (startTime == null) {
            startTime = ctx.config().clock().instant();
        }
        SandboxStatus sandbox = sandbox();
        // terminal as this worker reported it, or as the server has it (after an agent restart)
        PodStatus known = lastReported != null ? lastReported : pod.getStatus();
        boolean terminal = known != null && ("Succeeded".equals(known.getPhase()) || "Failed".equals(known.getPhase()));
        if (terminal) {
            // kubelet: a terminal pod's containers are not restarted; anything still running stops.
            probes.stopAll();
            stopper.stopInOrder(pod, containers(), Lifecycle.gracePeriod(pod));
            report(pod, sandbox, containers(), false);
            return;
        }
        if ((sandbox == null || !sandbox.ready()) && !networkReady(pod)) {
            // kubelet's syncPod: no sandbox for a pod on the pod network until the runtime's
            // network is ready; the pod stays Pending and the worker is woken when it is.
            if (!networkNotReadyRecorded) {
                ctx.events().record(pod, null, Events.WARNING, "NetworkNotReady", "CreatePodSandbox",
                        "network is not ready: container runtime network not ready: the node has no spec.podCIDR yet"
                                + " (allocated by the control plane's node IPAM controller from --cluster-cidr)");
                networkNotReadyRecorded = true;
            }
            report(pod, sandbox, containers(), false);
            return;
        }
        if (sandbox == null || !sandbox.ready()) {
            int attempt = sandbox == null ? 0 : sandbox.config().attempt() + 1;
            if (sandbox != null) {
                // kubelet's computePodActions (KillPod): a dead sandbox (a reboot, a killed pause) is
                // stopped before a new one is made, so its containers stop and CNI gives back its IP
                ctx.runtime().stopPodSandbox(sandbox.id());
            }
            try {
                String id = runPodSandbox(pod, attempt);
                LOG.debug("pod {}: sandbox {} created", pod.getMetadata().getName(), id);
                sandbox = sandbox();
                startup.sandboxReady();
            } catch (RuntimeFailure e) {
                ctx.events().record(pod, null, Events.WARNING, "FailedCreatePodSandBox", "CreatePodSandbox", e.getMessage());
                report(pod, sandbox, containers(), false);
                return;
            }
        }
        podIp = PodContext.podIp(sandbox, ctx.config().hostIp());
        List<ContainerStatus> containers = containers();
        Map<String, Path> volumes;
        try {
            volumes = ctx.volumes().setUp(pod);
        } catch (io.outpost.agent.volume.VolumeError e) {
            noteAll(pod, new Waiting(Waiting.CONTAINER_CREATING, null), "FailedMount", "MountVolume.SetUp failed: " + e.getMessage());
            report(pod, sandbox, containers, false);
            return;
        }
        PodStatusGenerator.Input probeFree = input(pod, sandbox, containers, false);
        containerSync.sync(pod, sandbox, containers, volumes, PodStatusGenerator.initialized(probeFree));
        containers = containers();
        containerSync.probeRunning(pod, containers);
        containerSync.garbageCollect(containers);
        report(pod, sandbox, containers(), false);
    }

    private boolean networkNotReadyRecorded;

    /** A pod on the host's network never waits; one on the CNI network waits for the node's pod CIDR. */
    private boolean networkReady(Pod pod) {
        var containerd = ctx.containerd();
        return containerd.isEmpty() || Boolean.TRUE.equals(pod.getSpec().getHostNetwork()) || containerd.get().networkReady();
    }

    /**
     * RunPodSandbox. The process runtime always shares the host's network; containerd gives the
     * pod its own (CNI) unless {@code hostNetwork}, with the hostname, DNS and host ports kubelet
     * computes.
     */
    private String runPodSandbox(Pod pod, int attempt) throws RuntimeFailure {
        var containerd = ctx.containerd();
        boolean hostNetwork = containerd.isEmpty() || Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
        SandboxConfig config = new SandboxConfig(pod.getMetadata().getName(), pod.getMetadata().getNamespace(), uid, attempt,
                ctx.logDirectory(pod), hostNetwork, Map.of(Labels.POD_UID, uid));
        if (containerd.isEmpty()) {
            return ctx.runtime().runPodSandbox(config);
        }
        return containerd.get().runPodSandbox(config, CriPodOptions.podNetwork(pod, Path.of("/etc/resolv.conf")));
    }

    private void noteAll(Pod pod, Waiting w, String eventReason, String message) {
        boolean changed = false;
        for (Container c : pod.getSpec().getContainers()) {
            changed |= !w.equals(waiting.put(c.getName(), w));
        }
        if (changed || !message.equals(lastEventMessage)) {
            ctx.events().record(pod, null, Events.WARNING, eventReason, "Mount", message);
            lastEventMessage = message;
        }
    }

    private String lastEventMessage;

    /**
     * Kubelet's {@code SyncTerminatingPod} then {@code SyncTerminatedPod}: stop every container
     * gracefully in parallel, stop the sandbox, report the final status and that the pod is
     * terminated, then remove what is left.
     */
    private void terminate(Pod pod, boolean removedNow) {
        probes.stopAll();
        stopper.stopInOrder(pod, containers(), Lifecycle.gracePeriod(pod));
        SandboxStatus sandbox = sandbox();
        if (sandbox != null) {
            ctx.runtime().stopPodSandbox(sandbox.id());
        }
        waiting.clear();
        if (!removedNow) {
            report(pod, sandbox(), containers(), true);
            ctx.sink().podTerminated(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), uid);
        }
        for (ContainerStatus c : containers()) {
            ctx.runtime().removeContainer(c.id());
        }
        for (SandboxStatus s : ctx.runtime().listPodSandboxes(Map.of(Labels.POD_UID, uid))) {
            if (uid.equals(s.config().uid())) {
                ctx.runtime().removePodSandbox(s.id());
            }
        }
        ctx.volumes().tearDown(uid);
        PodLogs.removePodLogs(ctx.logDirectory(pod));
        ctx.backOff().forgetPod(uid);
    }

    private PodStatusGenerator.Input input(Pod pod, SandboxStatus sandbox, List<ContainerStatus> containers, boolean terminated) {
        PodStatusGenerator.Readiness readiness = new PodStatusGenerator.Readiness() {
            @Override
            public boolean started(String containerId, Container spec) {
                return probes.started(containerId, spec);
            }

            @Override
            public boolean ready(String containerId, Container spec) {
                return probes.ready(containerId, spec);
            }
        };
        PodStatus previous = lastReported != null ? lastReported : pod.getStatus();
        return new PodStatusGenerator.Input(pod, containers, sandbox, Map.copyOf(waiting), readiness, previous,
                ctx.config().clock().instant(), ctx.config().hostIp(), startTime, ctx.runtime().info().name(), terminated);
    }

    private void report(Pod pod, SandboxStatus sandbox, List<ContainerStatus> containers, boolean terminated) {
        PodStatus status = PodStatusGenerator.build(input(pod, sandbox, containers, terminated));
        if (!Objects.equals(status, lastReported)) {
            lastReported = status;
            ctx.sink().podStatus(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), uid, status);
            startup.reported(pod, status);
        }
    }
}
