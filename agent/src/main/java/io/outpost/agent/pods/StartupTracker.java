package io.outpost.agent.pods;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;

/**
 * One pod's start as its worker saw it, logged once as kubelet's pod start-up latency tracker logs
 * "Observed pod startup duration": from the pod reaching the agent to its sandbox, and to the
 * Running status handed to the sync layer (the legs the server cannot see; AgentContainerdIT
 * reads these lines).
 *
 * <p>Thread model: the pod worker's thread only.
 */
final class StartupTracker {

    private static final Logger LOG = LoggerFactory.getLogger(PodWorker.class);

    private final Clock clock;
    private final Instant received;
    private Instant sandboxReady;
    private boolean logged;

    StartupTracker(Clock clock) {
        this.clock = clock;
        this.received = clock.instant();
    }

    void sandboxReady() {
        sandboxReady = clock.instant();
    }

    /** Whether this worker has made the pod's sandbox. */
    boolean sandboxMade() {
        return sandboxReady != null;
    }

    /** Logs the pod's start the first time it is reported Running after a sandbox this worker made. */
    void reported(Pod pod, PodStatus status) {
        if (logged || sandboxReady == null || !"Running".equals(status.getPhase())) {
            return;
        }
        logged = true;
        LOG.info("pod {}/{} started: sandbox ready {} ms and Running reported {} ms after the agent got it",
                pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                Duration.between(received, sandboxReady).toMillis(), Duration.between(received, clock.instant()).toMillis());
    }
}
