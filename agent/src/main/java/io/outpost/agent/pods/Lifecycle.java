package io.outpost.agent.pods;

import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.agent.probe.ProbeResult;
import io.outpost.agent.probe.Prober;
import io.outpost.agent.runtime.ContainerRuntime;

/**
 * Graceful stop of one container ({@code kuberuntime_container.go killContainer}): the preStop hook
 * (exec, HTTP GET or sleep) runs within the grace period, then the runtime stops the container with
 * what is left of it, never less than kubelet's minimum of 2 s.
 *
 * <p>Thread model: stateless; the pod worker calls it, in parallel for a pod's containers.
 */
final class Lifecycle {

    /** kubelet's {@code minimumGracePeriodInSeconds}. */
    static final Duration MINIMUM_GRACE = Duration.ofSeconds(2);

    private final ContainerRuntime runtime;
    private final Prober prober;
    Lifecycle(ContainerRuntime runtime, Prober prober) {
        this.runtime = runtime;
        this.prober = prober;
    }

    /** The grace period of a pod being stopped: the deletion's, else the spec's, else 30 s. */
    static Duration gracePeriod(Pod pod) {
        Long seconds = pod.getMetadata().getDeletionGracePeriodSeconds();
        if (seconds == null) {
            seconds = pod.getSpec().getTerminationGracePeriodSeconds();
        }
        return Duration.ofSeconds(seconds == null ? 30 : Math.max(0, seconds));
    }

    /** Stops a running container gracefully; answers the preStop hook's failure message, if any. */
    String kill(Container spec, String containerId, String podIp, Duration grace) {
        String hookFailure = null;
        long start = System.nanoTime(); // the grace period bounds real waiting: a monotonic clock
        LifecycleHandler preStop = spec.getLifecycle() == null ? null : spec.getLifecycle().getPreStop();
        if (preStop != null && grace.compareTo(Duration.ZERO) > 0) {
            hookFailure = run(preStop, spec, containerId, podIp, grace);
        }
        Duration left = grace.minusNanos(System.nanoTime() - start);
        if (left.compareTo(MINIMUM_GRACE) < 0) {
            left = MINIMUM_GRACE;
        }
        runtime.stopContainer(containerId, left);
        return hookFailure;
    }

    /** Runs a postStart or preStop handler; answers null on success, else why it failed. */
    String run(LifecycleHandler handler, Container spec, String containerId, String podIp, Duration timeout) {
        Prober.Outcome outcome;
        if (handler.getExec() != null) {
            outcome = prober.exec(containerId, handler.getExec().getCommand() == null ? List.of() : handler.getExec().getCommand(), timeout);
        } else if (handler.getHttpGet() != null) {
            outcome = prober.httpGet(handler.getHttpGet(), spec, podIp, timeout);
        } else if (handler.getSleep() != null) {
            long seconds = Math.min(handler.getSleep().getSeconds() == null ? 0 : handler.getSleep().getSeconds(), timeout.toSeconds());
            try {
                Thread.sleep(Duration.ofSeconds(seconds));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        } else {
            return null;
        }
        return outcome.result() == ProbeResult.SUCCESS ? null : outcome.message();
    }
}
