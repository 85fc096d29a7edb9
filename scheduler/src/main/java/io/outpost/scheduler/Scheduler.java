package io.outpost.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.scheduler.SchedulingQueue.QueuedPod;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.Framework;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PostFilterPlugin;
import io.outpost.scheduler.framework.Snapshot;
import io.outpost.scheduler.framework.Status;

/**
 * Schedules pending pods one at a time (kube's {@code scheduleOne}): pop the next pod, run its
 * profile's PreFilter and Filter over the nodes (stopping once enough feasible nodes are found,
 * starting where the last pod stopped so that every node gets its turn), PostFilter if none fits,
 * PreScore and Score over the feasible ones, pick the best (ties at random), assume the pod onto
 * it in the cache, Reserve, and hand the binding to the binding executor so the next pod need
 * not wait for the API.
 *
 * <p>Serves the pods whose {@code spec.schedulerName} (empty means {@code default-scheduler}) is
 * one of its profiles'; other pods are left to their own schedulers.
 *
 * <p>Thread model: the event methods ({@link #onPod}, {@link #onNode}, ...) are called by informer
 * threads and only update the cache and the queue. One scheduling thread ({@link #start}, or a
 * caller of {@link #scheduleNext}) runs the cycles; bindings run on {@code bindingExecutor}. A
 * ticker thread flushes the queue's back-off every second. {@link #close} stops both threads.
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    /**
     * @param bindingExecutor runs binding cycles; a direct executor ({@code Runnable::run}) binds
     *        on the scheduling thread (tests, benchmarks)
     */
    public record Config(List<Framework> profiles, SchedulerCache cache, SchedulingQueue queue, EventRecorder events,
            PodConditionWriter conditions, Clock clock, Executor bindingExecutor) {
    }

    private final Map<String, Framework> profiles = new LinkedHashMap<>();
    private final SchedulerCache cache;
    private final SchedulingQueue queue;
    private final EventRecorder events;
    private final PodConditionWriter conditions;
    private final Executor bindingExecutor;
    private final SplittableRandom random = new SplittableRandom();
    private final Nominator nominator = new Nominator();
    private int nextStartNodeIndex;
    private volatile boolean running;
    private Thread schedulingThread;
    private Thread tickerThread;

    public Scheduler(Config config) {
        for (Framework f : config.profiles()) {
            if (profiles.put(f.schedulerName(), f) != null) {
                throw new IllegalArgumentException("two profiles have schedulerName " + f.schedulerName());
            }
        }
        this.cache = config.cache();
        this.queue = config.queue();
        this.events = config.events();
        this.conditions = config.conditions();
        this.bindingExecutor = config.bindingExecutor();
    }

    /** Whether one of this scheduler's profiles serves the pod. */
    public boolean responsibleFor(Pod pod) {
        String name = pod.getSpec() == null ? null : pod.getSpec().getSchedulerName();
        return profiles.containsKey(name == null || name.isEmpty() ? "default-scheduler" : name);
    }

    // ---- informer events -------------------------------------------------------------------

    /**
     * A node added or updated. Unschedulable pods are retried only if the change could make one
     * fit: a new node, or other labels, taints, cordon, allocatable, images, link annotations or
     * condition statuses. An agent's heartbeat (new timestamps only) retries nothing: with thousands
     * of edge nodes reporting every few seconds, every pending pod would otherwise be retried, and
     * its FailedScheduling written, again and again (kube filters node events likewise).
     */
    public void onNode(Node node) {
        Node previous = cache.node(node.getMetadata().getName());
        cache.addOrUpdateNode(node);
        if (previous == null || schedulingRelevantChange(previous, node)) {
            queue.moveAllToActiveOrBackoff();
        }
    }

    static boolean schedulingRelevantChange(Node before, Node after) {
        var b = before.getSpec();
        var a = after.getSpec();
        var bs = before.getStatus();
        var as = after.getStatus();
        return !java.util.Objects.equals(before.getMetadata().getLabels(), after.getMetadata().getLabels())
                || !java.util.Objects.equals(before.getMetadata().getAnnotations(), after.getMetadata().getAnnotations())
                || !java.util.Objects.equals(b == null ? null : b.getTaints(), a == null ? null : a.getTaints())
                || !java.util.Objects.equals(b == null ? null : b.getUnschedulable(), a == null ? null : a.getUnschedulable())
                || !java.util.Objects.equals(bs == null ? null : bs.getAllocatable(), as == null ? null : as.getAllocatable())
                || !java.util.Objects.equals(bs == null ? null : bs.getImages(), as == null ? null : as.getImages())
                || !conditionStatuses(before).equals(conditionStatuses(after));
    }

    private static Map<String, String> conditionStatuses(Node node) {
        Map<String, String> statuses = new HashMap<>();
        if (node.getStatus() != null && node.getStatus().getConditions() != null) {
            node.getStatus().getConditions().forEach(c -> statuses.put(c.getType(), c.getStatus()));
        }
        return statuses;
    }

    public void onNodeDelete(Node node) {
        cache.deleteNode(node.getMetadata().getName());
    }

    /** A pod added or updated: assigned pods go to the cache, pending ones of ours to the queue. */
    public void onPod(Pod pod) {
        boolean assigned = pod.getSpec() != null && pod.getSpec().getNodeName() != null
                && !pod.getSpec().getNodeName().isEmpty();
        if (assigned) {
            queue.delete(pod.getMetadata().getUid());
            nominator.remove(pod.getMetadata().getUid());
            cache.addOrUpdatePod(pod);
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                queue.moveAllToActiveOrBackoff(); // its resources are free again
            }
        } else if (pod.getMetadata().getDeletionTimestamp() != null || !responsibleFor(pod)) {
            queue.delete(pod.getMetadata().getUid());
            nominator.remove(pod.getMetadata().getUid());
        } else {
            PodInfo info = PodInfo.of(pod);
            String nominated = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
            if (nominated != null && !nominated.isEmpty()) {
                nominator.nominate(info, nominated);
            }
            queue.add(info);
        }
    }

    public void onPodDelete(Pod pod) {
        String uid = pod.getMetadata().getUid();
        queue.delete(uid);
        nominator.remove(uid);
        if (pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
            cache.deletePod(uid);
            queue.moveAllToActiveOrBackoff();
        }
    }

    // ---- scheduling --------------------------------------------------------------------------

    /** Schedules the next active pod, if any; false when the active queue is empty. */
    public boolean scheduleNext() {
        QueuedPod q = queue.poll();
        if (q == null) {
            return false;
        }
        scheduleOne(q);
        return true;
    }

    /** What one cycle decided, for the binding that follows. */
    private record Decision(String node, CycleState state, String failure, boolean error) {
    }

    void scheduleOne(QueuedPod q) {
        PodInfo pod = q.pod();
        Framework framework = profiles.get(schedulerName(pod.pod()));
        if (framework == null || pod.pod().getMetadata().getDeletionTimestamp() != null
                || cache.isAssignedOrAssumed(pod.uid())) {
            queue.done(pod.uid());
            return;
        }
        Decision d = cache.withSnapshot(snapshot -> cycle(framework, pod, snapshot));
        if (d.node() == null) {
            events.record(pod.pod(), "Warning", "FailedScheduling", d.failure());
            notScheduled(pod.pod(), d.error() ? "SchedulerError" : "Unschedulable", d.failure());
            if (d.error()) {
                queue.addBackoff(q);
            } else {
                queue.addUnschedulable(q);
            }
            return;
        }
        // The pod stays in flight until its binding ends: a failed binding re-queues it with back-off.
        bindingExecutor.execute(() -> bind(framework, q, d));
    }

    private Decision cycle(Framework framework, PodInfo pod, Snapshot snapshot) {
        CycleState state = new CycleState();
        List<NodeInfo> nodes = snapshot.nodes();
        if (nodes.isEmpty()) {
            return new Decision(null, state, "no nodes available to schedule pods", false);
        }
        Map<String, Status> rejected = new HashMap<>();
        List<NodeInfo> feasible = new ArrayList<>();
        Status pre = framework.runPreFilter(state, pod, snapshot);
        if (pre.code() == io.outpost.scheduler.framework.Code.ERROR) {
            return new Decision(null, state, "running PreFilter plugin \"" + pre.plugin() + "\": " + pre.message(), true);
        }
        if (!pre.isSuccess()) {
            nodes.forEach(n -> rejected.put(n.name(), pre));
        } else {
            int want = framework.feasibleNodesToFind(nodes.size());
            int n = nodes.size();
            int processed = 0;
            for (; processed < n && feasible.size() < want; processed++) {
                NodeInfo node = nodes.get((nextStartNodeIndex + processed) % n);
                Status s = filter(framework, state, pod, node);
                if (s.isSuccess()) {
                    feasible.add(node);
                } else if (s.code() == io.outpost.scheduler.framework.Code.ERROR) {
                    return new Decision(null, state,
                            "running Filter plugin \"" + s.plugin() + "\": " + s.message(), true);
                } else {
                    rejected.put(node.name(), s);
                }
            }
            nextStartNodeIndex = (nextStartNodeIndex + processed) % n;
        }
        if (feasible.isEmpty()) {
            PostFilterPlugin.Result post = framework.runPostFilter(state, pod, snapshot, rejected);
            if (post.nominatedNode() != null) {
                nominator.nominate(pod, post.nominatedNode());
            }
            return new Decision(null, state, FitError.message(nodes.size(), rejected, post.status().message()), false);
        }
        NodeInfo chosen = feasible.get(0);
        if (feasible.size() > 1) {
            Status[] error = new Status[1];
            long[] scores = framework.runScore(state, pod, feasible, snapshot, error);
            if (error[0] != null) {
                return new Decision(null, state,
                        "running PreScore plugin \"" + error[0].plugin() + "\": " + error[0].message(), true);
            }
            chosen = select(feasible, scores);
        }
        String nodeName = chosen.name();
        cache.assume(pod, nodeName);
        Status reserved = framework.runReserve(state, pod, nodeName);
        if (!reserved.isSuccess()) {
            cache.forget(pod);
            return new Decision(null, state, "running Reserve plugin \"" + reserved.plugin() + "\": "
                    + reserved.message(), true);
        }
        return new Decision(nodeName, state, null, false);
    }

    /**
     * The filters on {@code node}, with the pods nominated to it that come first (kube's
     * {@code RunFilterPluginsWithNominatedPods}): they must pass both with those pods added and
     * without them (a nominated pod may never arrive, and some filters, like anti-affinity, can
     * fail only without it).
     */
    private Status filter(Framework framework, CycleState state, PodInfo pod, NodeInfo node) {
        List<PodInfo> ahead = nominator.ahead(node.name(), pod);
        if (ahead.isEmpty()) {
            return framework.runFilter(state, pod, node);
        }
        NodeInfo with = new NodeInfo(node.node());
        node.pods().forEach(with::addPod);
        ahead.forEach(with::addPod);
        Status s = framework.runFilter(state, pod, with);
        return s.isSuccess() ? framework.runFilter(state, pod, node) : s;
    }

    /** The highest score; among equals, each is equally likely (reservoir sampling, as kube). */
    private NodeInfo select(List<NodeInfo> feasible, long[] scores) {
        int best = 0;
        int ties = 1;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
                ties = 1;
            } else if (scores[i] == scores[best] && random.nextInt(++ties) == 0) {
                best = i;
            }
        }
        return feasible.get(best);
    }

    private void bind(Framework framework, QueuedPod q, Decision d) {
        PodInfo pod = q.pod();
        Status bound;
        try {
            bound = framework.runBind(d.state(), pod, d.node());
        } catch (RuntimeException e) {
            bound = Status.error(String.valueOf(e.getMessage()));
        }
        if (bound.isSuccess()) {
            queue.done(pod.uid());
            events.record(pod.pod(), "Normal", "Scheduled",
                    "Successfully assigned " + pod.key() + " to " + d.node());
            return;
        }
        LOG.debug("binding {} to {} failed: {}", pod.key(), d.node(), bound.message());
        framework.runUnreserve(d.state(), pod, d.node());
        cache.forget(pod);
        events.record(pod.pod(), "Warning", "FailedScheduling", "Binding rejected: " + bound.message());
        notScheduled(pod.pod(), "SchedulerError", "Binding rejected: " + bound.message());
        queue.addBackoff(q);
        queue.moveAllToActiveOrBackoff(); // the room it held is free again
    }

    /** Writes the PodScheduled=False condition unless the pod already carries this one. */
    private void notScheduled(Pod pod, String reason, String message) {
        var status = pod.getStatus();
        if (status != null && status.getConditions() != null) {
            for (var c : status.getConditions()) {
                if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && reason.equals(c.getReason())
                        && message.equals(c.getMessage())) {
                    return;
                }
            }
        }
        conditions.notScheduled(pod, reason, message);
    }

    private static String schedulerName(Pod pod) {
        String name = pod.getSpec().getSchedulerName();
        return name == null || name.isEmpty() ? "default-scheduler" : name;
    }

    // ---- threads -------------------------------------------------------------------------------

    /** Starts the scheduling thread and the queue's ticker (platform threads: they never block on I/O). */
    public void start() {
        running = true;
        schedulingThread = Thread.ofPlatform().name("scheduler").daemon().start(() -> {
            while (running) {
                try {
                    QueuedPod q = queue.pop(Duration.ofSeconds(1));
                    if (q != null) {
                        scheduleOne(q);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.error("scheduling cycle failed", e);
                }
            }
        });
        tickerThread = Thread.ofPlatform().name("scheduler-queue-ticker").daemon().start(() -> {
            Instant lastLeftover = Instant.EPOCH;
            while (running) {
                try {
                    Thread.sleep(1000); // the queue's ticker: back-off has one-second resolution, as kube's
                } catch (InterruptedException e) {
                    return;
                }
                queue.flushBackoffCompleted();
                if (Duration.between(lastLeftover, Instant.now()).toSeconds() >= 30) {
                    queue.flushUnschedulableLeftover();
                    lastLeftover = Instant.now();
                }
            }
        });
    }

    @Override
    public void close() {
        running = false;
        queue.close();
        for (Thread t : new Thread[] {schedulingThread, tickerThread}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
