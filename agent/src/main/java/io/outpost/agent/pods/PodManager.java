package io.outpost.agent.pods;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.SandboxStatus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's pods: one {@link PodWorker} per pod uid reconciles what {@link
 * io.outpost.agent.state.DesiredState} wants against what the runtime has (kubelet's {@code
 * pod_workers.go} and {@code HandlePodCleanups}).
 *
 * <p>On {@link #start()} the manager first looks at what the runtime already holds: containers of
 * pods still desired are adopted by their workers (a running process is never restarted), dead ones
 * are restarted by restart policy, those of pods no longer desired are killed. That is also the
 * offline-reboot path: the desired state is the agent's local store, so no server is needed.
 *
 * <p>Thread model: {@link #start()} and {@link #close()} are called once, by the agent's wiring. A
 * virtual "dispatch" thread reacts to desired-state changes (the listener only wakes it: new pods
 * get a worker at once, changed pods have theirs woken) and to a periodic resync; a virtual
 * "relist" thread wakes the workers whose containers changed in the runtime; each worker runs on
 * its own virtual thread, so a slow pod (a pull, a slow CNI) never holds up another. {@link #close()} stops the threads
 * but leaves every container running, as a kubelet restart does.
 */
public final class PodManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PodManager.class);

    private final PodManagerConfig config;
    private final PodContext context;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, PodWorker> workers = new HashMap<>();
    /** Deleted pods whose worker finished, until the server forgets them (no second teardown). */
    private final Set<String> finished = new HashSet<>();
    private boolean dirty = true;
    /** Every worker is to be woken at the next dispatch, not only those whose pod changed. */
    private boolean wakeAll = true;
    private boolean closed;
    private Thread dispatcher;
    private Thread relister;

    public PodManager(PodManagerConfig config) {
        this.config = config;
        this.context = new PodContext(config);
    }

    /** Starts the dispatch and relist threads; returns at once. */
    public void start() {
        config.desiredState().addListener(this::desiredStateChanged);
        dispatcher = Thread.ofVirtual().name("pod-dispatch").start(this::dispatchLoop);
        relister = Thread.ofVirtual().name("pod-relist").start(this::relistLoop);
    }

    /**
     * Kubelet's generic PLEG: every {@code resync}, one listing of the runtime's sandboxes and
     * containers; a pod whose containers or sandbox changed state (one exited, one appeared) has
     * its worker woken. So a settled worker costs nothing until something happens to its pod,
     * rather than every worker re-reading the runtime every second.
     */
    private void relistLoop() {
        Map<String, String> previous = Map.of();
        while (true) {
            lock.lock();
            try {
                long wait = config.resync().toNanos();
                while (!closed && wait > 0) {
                    wait = changed.awaitNanos(wait);
                }
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                Map<String, String> current = config.runtime().podStates(Labels.POD_UID);
                List<PodWorker> toWake = new ArrayList<>();
                lock.lock();
                try {
                    for (Map.Entry<String, PodWorker> e : workers.entrySet()) {
                        if (!Objects.equals(previous.get(e.getKey()), current.get(e.getKey()))) {
                            toWake.add(e.getValue());
                        }
                    }
                } finally {
                    lock.unlock();
                }
                toWake.forEach(PodWorker::wake);
                previous = current;
            } catch (RuntimeException e) {
                // the runtime is unreachable (containerd restarting): the next relist tells
                LOG.debug("relist failed: {}", e.toString());
            }
        }
    }

    /** Wakes the dispatcher and every worker (e.g. after the link came back, or the pod network became ready). */
    public void wake() {
        lock.lock();
        try {
            dirty = true;
            wakeAll = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A change was persisted: the dispatcher starts workers for new pods and wakes only the
     * workers whose pod changed. Waking them all on every change made a burst of N pods cost N²
     * syncs, each with its runtime calls, and every pod's start waited behind them.
     */
    private void desiredStateChanged() {
        lock.lock();
        try {
            dirty = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The pods this manager currently runs a worker for, by uid. */
    public Set<String> podUids() {
        lock.lock();
        try {
            return Set.copyOf(workers.keySet());
        } finally {
            lock.unlock();
        }
    }

    /**
     * The log file of a pod's container, for {@code kubectl logs}: the current container's, or with
     * {@code previous} the one before it (kubelet keeps one dead container per name for that).
     */
    public Optional<Path> logPath(String podUid, String container, boolean previous) {
        List<ContainerStatus> mine = config.runtime().listContainers(Map.of(Labels.POD_UID, podUid, Labels.CONTAINER_NAME, container));
        return mine.stream().sorted(Comparator.comparingInt(ContainerStatus::attempt).reversed())
                .skip(previous ? 1 : 0).findFirst().map(c -> c.config().logPath());
    }

    private void dispatchLoop() {
        while (true) {
            boolean all;
            lock.lock();
            try {
                while (!dirty && !closed) {
                    if (changed.awaitNanos(config.resync().toNanos()) <= 0) {
                        break;
                    }
                }
                if (closed) {
                    return;
                }
                dirty = false;
                all = wakeAll;
                wakeAll = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                dispatch(all);
            } catch (RuntimeException e) {
                LOG.warn("pod dispatch failed; retrying at the next resync", e);
            }
        }
    }

    /**
     * Gives every desired pod its worker, wakes those whose pod changed (or all, with {@code
     * all}), and tears down what is no longer desired.
     */
    private void dispatch(boolean all) {
        List<Pod> desired = config.desiredState().pods();
        // Read before taking this manager's lock: the desired state calls the listeners (which
        // take it) under locks of its own, so calling into it while holding ours could deadlock.
        Map<String, Long> inputs = new HashMap<>();
        for (Pod pod : desired) {
            inputs.put(pod.getMetadata().getUid(), config.desiredState().inputsGeneration(pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName()));
        }
        Set<String> desiredUids = new HashSet<>();
        List<PodWorker> toStart = new ArrayList<>();
        List<PodWorker> toWake = new ArrayList<>();
        List<PodWorker> removed = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (Pod pod : desired) {
                if (pod.getSpec() == null || !config.nodeName().equals(pod.getSpec().getNodeName())) {
                    continue;
                }
                String uid = pod.getMetadata().getUid();
                desiredUids.add(uid);
                if (finished.contains(uid)) {
                    continue;
                }
                PodWorker worker = workers.get(uid);
                long podInputs = inputs.getOrDefault(uid, 0L);
                if (worker == null) {
                    worker = new PodWorker(context, pod, () -> workerDone(uid));
                    worker.update(pod, podInputs);
                    workers.put(uid, worker);
                    toStart.add(worker);
                } else if (worker.update(pod, podInputs) || all) {
                    toWake.add(worker);
                }
            }
            finished.retainAll(desiredUids);
            for (Map.Entry<String, PodWorker> e : workers.entrySet()) {
                if (!desiredUids.contains(e.getKey())) {
                    removed.add(e.getValue());
                }
            }
        } finally {
            lock.unlock();
        }
        toStart.forEach(PodWorker::start);
        toWake.forEach(PodWorker::wake);
        removed.forEach(PodWorker::removed);
        cleanUpOrphans(desiredUids);
    }

    /**
     * Kills what the runtime runs for pods that have neither a desired pod nor a worker: pods
     * deleted while the agent was down (kubelet's {@code HandlePodCleanups}).
     */
    private void cleanUpOrphans(Set<String> desiredUids) {
        Set<String> live;
        lock.lock();
        try {
            live = new HashSet<>(workers.keySet());
        } finally {
            lock.unlock();
        }
        live.addAll(desiredUids);
        for (SandboxStatus sandbox : config.runtime().listPodSandboxes()) {
            if (live.contains(sandbox.config().uid())) {
                continue;
            }
            LOG.info("pod {}/{} ({}) is no longer desired: killing what is left of it",
                    sandbox.config().namespace(), sandbox.config().name(), sandbox.config().uid());
            for (ContainerStatus c : config.runtime().listContainers()) {
                if (c.sandboxId().equals(sandbox.id())) {
                    config.runtime().stopContainer(c.id(), java.time.Duration.ZERO);
                    config.runtime().removeContainer(c.id());
                }
            }
            config.runtime().stopPodSandbox(sandbox.id());
            config.runtime().removePodSandbox(sandbox.id());
            context.volumes().tearDown(sandbox.config().uid());
        }
    }

    private void workerDone(String uid) {
        lock.lock();
        try {
            workers.remove(uid);
            finished.add(uid);
        } finally {
            lock.unlock();
        }
    }

    /** Stops every worker and the dispatcher; containers keep running. */
    @Override
    public void close() {
        List<PodWorker> all;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
            all = new ArrayList<>(workers.values());
            workers.clear();
        } finally {
            lock.unlock();
        }
        all.forEach(PodWorker::stop);
        if (relister != null) {
            try {
                relister.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dispatcher != null) {
            try {
                dispatcher.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (PodWorker w : all) {
            w.join();
        }
    }
}
