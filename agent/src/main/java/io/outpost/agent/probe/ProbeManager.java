package io.outpost.agent.probe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;

/**
 * The probes of one pod's running containers (kubelet's {@code prober_manager.go}, per pod): one
 * worker per container id and probe kind, each on its own virtual thread sleeping
 * {@code periodSeconds} between probes. Liveness and readiness wait until the startup probe (if any)
 * has succeeded; nothing is probed before {@code initialDelaySeconds} after the container started.
 * A result that changes wakes the pod worker through {@code onChange}.
 *
 * <p>Thread model: {@link #sync} and {@link #stopAll} are called by the pod worker; the queries from
 * any thread.
 */
public final class ProbeManager {

    /** A running container the pod worker wants probed. */
    public record Target(String containerId, Container spec, Instant startedAt) {
    }

    private record Key(String containerId, ProbeKind kind) {
    }

    private final Prober prober;
    private final Clock clock;
    private final java.util.function.Supplier<String> podIp;
    private final Runnable onChange;
    private final ProbeListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Key, Worker> workers = new HashMap<>();

    /** Told about each failed probe (kubelet's Unhealthy event). */
    public interface ProbeListener {
        void failed(Container container, ProbeKind kind, String message);
    }

    public ProbeManager(Prober prober, Clock clock, String podIp, Runnable onChange, ProbeListener listener) {
        this(prober, clock, () -> podIp, onChange, listener);
    }

    /**
     * @param podIp the pod's IP at the time of each probe: with CNI it is known only once the
     *              sandbox runs, and a replaced sandbox gets a new one (kubelet probes the pod IP)
     */
    public ProbeManager(Prober prober, Clock clock, java.util.function.Supplier<String> podIp, Runnable onChange,
                        ProbeListener listener) {
        this.prober = prober;
        this.clock = clock;
        this.podIp = podIp;
        this.onChange = onChange;
        this.listener = listener;
    }

    /** Probes exactly these containers: starts workers for new ones, stops those of the rest. */
    public void sync(List<Target> running) {
        Set<Key> wanted = new HashSet<>();
        lock.lock();
        try {
            for (Target t : running) {
                add(t, ProbeKind.STARTUP, t.spec().getStartupProbe(), wanted);
                add(t, ProbeKind.LIVENESS, t.spec().getLivenessProbe(), wanted);
                add(t, ProbeKind.READINESS, t.spec().getReadinessProbe(), wanted);
            }
            workers.entrySet().removeIf(e -> {
                if (!wanted.contains(e.getKey())) {
                    e.getValue().stop();
                    return true;
                }
                return false;
            });
        } finally {
            lock.unlock();
        }
    }

    private void add(Target t, ProbeKind kind, Probe probe, Set<Key> wanted) {
        if (probe == null) {
            return;
        }
        Key key = new Key(t.containerId(), kind);
        wanted.add(key);
        workers.computeIfAbsent(key, k -> new Worker(t, kind, probe)).start();
    }

    /** Kubelet's {@code started}: true without a startup probe, else once it succeeded. */
    public boolean started(String containerId, Container spec) {
        if (spec.getStartupProbe() == null) {
            return true;
        }
        return result(containerId, ProbeKind.STARTUP) == ProbeResult.SUCCESS;
    }

    /** Ready: started, and the readiness probe (if any) succeeded. */
    public boolean ready(String containerId, Container spec) {
        if (!started(containerId, spec)) {
            return false;
        }
        return spec.getReadinessProbe() == null || result(containerId, ProbeKind.READINESS) == ProbeResult.SUCCESS;
    }

    /** The probe that says the container must be killed (liveness or startup failed), if any. */
    public Optional<ProbeKind> mustRestart(String containerId) {
        if (result(containerId, ProbeKind.STARTUP) == ProbeResult.FAILURE) {
            return Optional.of(ProbeKind.STARTUP);
        }
        if (result(containerId, ProbeKind.LIVENESS) == ProbeResult.FAILURE) {
            return Optional.of(ProbeKind.LIVENESS);
        }
        return Optional.empty();
    }

    private ProbeResult result(String containerId, ProbeKind kind) {
        lock.lock();
        try {
            Worker w = workers.get(new Key(containerId, kind));
            return w == null ? kind.initial() : w.state.current();
        } finally {
            lock.unlock();
        }
    }

    public void stopAll() {
        lock.lock();
        try {
            workers.values().forEach(Worker::stop);
            workers.clear();
        } finally {
            lock.unlock();
        }
    }

    /** One container's one probe, on its own virtual thread. */
    private final class Worker {
        private final Target target;
        private final ProbeKind kind;
        private final Probe probe;
        private final ProbeState state;
        private volatile boolean stopped;
        private Thread thread;
        private String lastFailure;

        Worker(Target target, ProbeKind kind, Probe probe) {
            this.target = target;
            this.kind = kind;
            this.probe = probe;
            this.state = new ProbeState(kind, kind == ProbeKind.READINESS ? probe.getSuccessThreshold() : Integer.valueOf(1),
                    probe.getFailureThreshold());
        }

        void start() {
            if (thread == null) {
                thread = Thread.ofVirtual().name("probe-" + kind.name().toLowerCase() + "-" + target.containerId()).start(this::run);
            }
        }

        void stop() {
            stopped = true;
            if (thread != null) {
                thread.interrupt();
            }
        }

        private void run() {
            Duration period = Duration.ofSeconds(probe.getPeriodSeconds() == null || probe.getPeriodSeconds() < 1 ? 10 : probe.getPeriodSeconds());
            while (!stopped) {
                if (due()) {
                    Prober.Outcome outcome = prober.probe(probe, target.spec(), target.containerId(), podIp.get());
                    if (stopped) {
                        return;
                    }
                    // kubelet records every failure and its event recorder folds repeats into a count;
                    // here a repeat of the same failure is not recorded again, so a probe failing every
                    // period costs the edge link one event, not one per period
                    if (outcome.result() == ProbeResult.FAILURE && !outcome.message().equals(lastFailure)) {
                        listener.failed(target.spec(), kind, outcome.message());
                    }
                    lastFailure = outcome.result() == ProbeResult.FAILURE ? outcome.message() : null;
                    if (state.observe(outcome.result())) {
                        onChange.run();
                    }
                }
                if (kind == ProbeKind.STARTUP && state.current() == ProbeResult.SUCCESS) {
                    return; // kubelet stops probing startup once the container has started
                }
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private boolean due() {
            if (state.onHold()) {
                return false;
            }
            if (kind != ProbeKind.STARTUP && !started(target.containerId(), target.spec())) {
                return false;
            }
            int delay = probe.getInitialDelaySeconds() == null ? 0 : probe.getInitialDelaySeconds();
            return target.startedAt() == null || !clock.instant().isBefore(target.startedAt().plusSeconds(delay));
        }
    }
}
