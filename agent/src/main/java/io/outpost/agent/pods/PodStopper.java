package io.outpost.agent.pods;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.agent.runtime.ContainerStatus;

/**
 * Stops a pod's running containers as kubelet's {@code killPodWithSyncResult} does: each gracefully
 * ({@link Lifecycle#kill}: preStop, SIGTERM, SIGKILL after the grace period), the containers in
 * parallel, sidecars after them one by one in reverse order. Records Killing (and
 * FailedPreStopHook) events.
 *
 * <p>Thread model: called by the pod's worker; blocks until every container has stopped, each
 * stopped on its own virtual thread.
 */
final class PodStopper {

    private final PodContext ctx;
    private final Lifecycle lifecycle;

    PodStopper(PodContext ctx, Lifecycle lifecycle) {
        this.ctx = ctx;
        this.lifecycle = lifecycle;
    }

    /**
     * Stops the containers (and plain init containers) in parallel, then the sidecars one by one in
     * reverse order, as kubelet does since sidecars (KEP-753) so they serve the containers to the end.
     */
    void stopInOrder(Pod pod, List<ContainerStatus> containers, Duration grace) {
        List<String> sidecarNames = ContainerSync.sidecars(pod).stream().map(Container::getName).toList();
        stopRunning(pod, containers.stream().filter(c -> !sidecarNames.contains(c.name())).toList(), grace);
        for (String name : sidecarNames.reversed()) {
            stopRunning(pod, containers.stream().filter(c -> c.name().equals(name)).toList(), grace);
        }
    }

    private void stopRunning(Pod pod, List<ContainerStatus> containers, Duration grace) {
        List<Thread> killers = new ArrayList<>();
        for (ContainerStatus cs : containers) {
            if (!cs.running()) {
                continue;
            }
            Container spec = spec(pod, cs.name());
            ctx.events().record(pod, cs.name(), Events.NORMAL, "Killing", "Kill", "Stopping container " + cs.name());
            killers.add(Thread.ofVirtual().start(() -> {
                String hookFailure = spec == null ? null : lifecycle.kill(spec, cs.id(), ctx.config().hostIp(), grace);
                if (spec == null) {
                    ctx.runtime().stopContainer(cs.id(), grace);
                }
                if (hookFailure != null) {
                    ctx.events().record(pod, cs.name(), Events.WARNING, "FailedPreStopHook", "Kill",
                            "PreStopHook failed: " + hookFailure);
                }
            }));
        }
        for (Thread t : killers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Container spec(Pod pod, String name) {
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                if (c.getName().equals(name)) {
                    return c;
                }
            }
        }
        return null;
    }

}
