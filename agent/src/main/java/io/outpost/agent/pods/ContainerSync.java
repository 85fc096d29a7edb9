package io.outpost.agent.pods;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.agent.probe.ProbeManager;
import io.outpost.agent.runtime.ContainerState;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.SandboxStatus;

/**
 * What a {@link PodWorker} does with the containers of a pod whose sandbox is ready (the container
 * half of kubelet's {@code computePodActions}): init containers one at a time, then sidecars and
 * containers; each started, restarted by its policy after the crash back-off, or killed when its
 * definition changed or a probe says so; probes kept on the running ones; old exited containers
 * removed.
 *
 * <p>Thread model: called only by its worker's thread. {@code waiting} is the worker's map of
 * containers' waiting reasons, shared with it on that thread.
 */
final class ContainerSync {

    private final PodContext ctx;
    private final String uid;
    private final Lifecycle lifecycle;
    private final ContainerStarter starter;
    private final ProbeManager probes;
    private final Map<String, Waiting> waiting;
    /** The sandbox's IP (CNI) or the node's, for preStop hooks. */
    private final Supplier<String> podIp;
    /** Wakes the worker (after a kill, to restart the container at once). */
    private final Runnable wake;

    ContainerSync(PodContext ctx, String uid, Lifecycle lifecycle, ContainerStarter starter, ProbeManager probes,
                  Map<String, Waiting> waiting, Supplier<String> podIp, Runnable wake) {
        this.ctx = ctx;
        this.uid = uid;
        this.lifecycle = lifecycle;
        this.starter = starter;
        this.probes = probes;
        this.waiting = waiting;
        this.podIp = podIp;
        this.wake = wake;
    }

    /** Until the pod is {@code initialized}, its next init container; then sidecars and containers. */
    void sync(Pod pod, SandboxStatus sandbox, List<ContainerStatus> containers, Map<String, Path> volumes, boolean initialized) {
        if (!initialized) {
            syncInit(pod, sandbox, containers, volumes);
            return;
        }
        for (Container c : sidecars(pod)) {
            syncContainer(pod, sandbox, c, containers, volumes);
        }
        for (Container c : pod.getSpec().getContainers()) {
            syncContainer(pod, sandbox, c, containers, volumes);
        }
    }

    /** Init containers one at a time, in order (kubelet's {@code findNextInitContainerToRun}). */
    private void syncInit(Pod pod, SandboxStatus sandbox, List<ContainerStatus> containers, Map<String, Path> volumes) {
        for (Container c : pod.getSpec().getInitContainers()) {
            ContainerStatus latest = PodStatusGenerator.latest(containers, c.getName());
            if (PodStatusGenerator.restartable(c)) {
                // a sidecar lets the next init container start once it has started (KEP-753)
                if (latest != null && latest.running() && probes.started(latest.id(), c)) {
                    continue;
                }
                if (latest == null || !latest.running()) {
                    syncContainer(pod, sandbox, c, containers, volumes);
                }
                return;
            }
            if (latest != null && latest.state() == ContainerState.EXITED && latest.exitCode() == 0) {
                continue;
            }
            if (latest != null && latest.state() == ContainerState.EXITED && "Never".equals(pod.getSpec().getRestartPolicy())) {
                return; // the pod has failed
            }
            syncContainer(pod, sandbox, c, containers, volumes);
            return;
        }
    }

    /** One container: start it, restart it by policy after back-off, or kill it when a probe says so. */
    private void syncContainer(Pod pod, SandboxStatus sandbox, Container c, List<ContainerStatus> containers, Map<String, Path> volumes) {
        ContainerStatus latest = PodStatusGenerator.latest(containers, c.getName());
        String key = CrashBackOff.key(uid, c.getName());
        if (latest == null) {
            starter.start(pod, sandbox, c, 0, volumes, waiting);
            return;
        }
        switch (latest.state()) {
            case RUNNING -> {
                if (!ContainerStarter.hash(c).equals(latest.config().labels().get(Labels.CONTAINER_HASH))) {
                    // kubelet's containerChanged: restart regardless of the restart policy
                    ctx.events().record(pod, c.getName(), Events.NORMAL, "Killing", "Kill",
                            "Container " + c.getName() + " definition changed, will be restarted");
                    lifecycle.kill(c, latest.id(), podIp.get(), Lifecycle.gracePeriod(pod));
                    starter.start(pod, sandbox, c, latest.attempt() + 1, volumes, waiting);
                    return;
                }
                probes.mustRestart(latest.id()).ifPresent(kind -> {
                    String why = kind == io.outpost.agent.probe.ProbeKind.LIVENESS ? "failed liveness probe" : "failed startup probe";
                    ctx.events().record(pod, c.getName(), Events.NORMAL, "Killing", "Kill",
                            "Container " + c.getName() + " " + why + ", will be restarted");
                    lifecycle.kill(c, latest.id(), podIp.get(), Lifecycle.gracePeriod(pod));
                    wake.run();
                });
            }
            case EXITED -> {
                if (!shouldRestart(pod, latest)) {
                    waiting.remove(c.getName());
                    return;
                }
                Instant finished = latest.finishedAt() == null ? ctx.config().clock().instant() : latest.finishedAt();
                if (ctx.backOff().inBackOffSince(key, finished)) {
                    String message = "back-off " + ctx.backOff().delay(key).toSeconds() + "s restarting failed container=" + c.getName()
                            + " pod=" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "(" + uid + ")";
                    Waiting w = new Waiting(Waiting.CRASH_LOOP_BACK_OFF, message);
                    if (!w.equals(waiting.put(c.getName(), w))) {
                        // kubelet's format.Pod: name_namespace(uid)
                        ctx.events().record(pod, c.getName(), Events.WARNING, "BackOff", "Start", "Back-off restarting failed container "
                                + c.getName() + " in pod " + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace()
                                + "(" + uid + ")");
                    }
                    return;
                }
                ctx.backOff().next(key, finished);
                starter.start(pod, sandbox, c, latest.attempt() + 1, volumes, waiting);
            }
            default -> {
                // created but never started (RunContainerError): replace it, with the crash back-off
                // so a command that cannot start is not retried every second
                Instant failedAt = latest.createdAt();
                if (ctx.backOff().inBackOffSince(key, failedAt)) {
                    return;
                }
                ctx.backOff().next(key, failedAt);
                ctx.runtime().removeContainer(latest.id());
                starter.start(pod, sandbox, c, latest.attempt(), volumes, waiting);
            }
        }
    }

    static List<Container> sidecars(Pod pod) {
        return pod.getSpec().getInitContainers() == null ? List.of()
                : pod.getSpec().getInitContainers().stream().filter(PodStatusGenerator::restartable).toList();
    }

    /** Kubelet's {@code ShouldContainerBeRestarted}; a sidecar is always restarted. */
    private static boolean shouldRestart(Pod pod, ContainerStatus exited) {
        String policy = pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
        if (sidecars(pod).stream().anyMatch(c -> c.getName().equals(exited.name()))) {
            return true;
        }
        boolean isInit = pod.getSpec().getInitContainers() != null
                && pod.getSpec().getInitContainers().stream().anyMatch(c -> c.getName().equals(exited.name()));
        if (isInit && exited.exitCode() == 0) {
            return false;
        }
        return switch (policy) {
            case "Never" -> false;
            case "OnFailure" -> exited.exitCode() != 0;
            default -> !isInit || exited.exitCode() != 0;
        };
    }

    void probeRunning(Pod pod, List<ContainerStatus> containers) {
        List<ProbeManager.Target> targets = new ArrayList<>();
        List<Container> probed = new ArrayList<>(sidecars(pod));
        probed.addAll(pod.getSpec().getContainers());
        for (Container c : probed) {
            ContainerStatus latest = PodStatusGenerator.latest(containers, c.getName());
            if (latest != null && latest.running()) {
                targets.add(new ProbeManager.Target(latest.id(), c, latest.startedAt()));
            }
        }
        probes.sync(targets);
    }

    /**
     * Keeps the two newest containers of each name (the current one and its last state, for
     * {@code kubectl logs --previous}); older ones go with their logs, as kubelet's container GC.
     */
    void garbageCollect(List<ContainerStatus> containers) {
        Map<String, List<ContainerStatus>> byName = new HashMap<>();
        containers.forEach(c -> byName.computeIfAbsent(c.name(), n -> new ArrayList<>()).add(c));
        for (List<ContainerStatus> list : byName.values()) {
            list.sort(Comparator.comparingInt(ContainerStatus::attempt).reversed());
            for (int i = 2; i < list.size(); i++) {
                if (list.get(i).state() == ContainerState.EXITED) {
                    ctx.runtime().removeContainer(list.get(i).id());
                    PodLogs.removeContainerLog(list.get(i).config().logPath());
                }
            }
        }
    }
}
