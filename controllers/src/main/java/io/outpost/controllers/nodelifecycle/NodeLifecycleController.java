package io.outpost.controllers.nodelifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.outpost.controllers.common.Pods;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.EventRecorder;
import io.outpost.controllers.runtime.Handlers;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * kube's node lifecycle controller ({@code pkg/controller/nodelifecycle}), edge style. Agents
 * renew a Lease in {@code kube-node-lease} named after their node; a node whose lease (and Ready
 * heartbeat) has not changed for the grace period ({@link Timings}) is unreachable:
 * <ul>
 *   <li>its Ready, MemoryPressure, DiskPressure and PIDPressure conditions become Unknown with a
 *       message saying what happens to its pods ({@link NodeConditions});</li>
 *   <li>it gets the {@code node.kubernetes.io/unreachable:NoSchedule} taint, and a node that
 *       reports Ready=False itself the {@code not-ready} one ({@link NodeTaints});</li>
 *   <li>its pods get Ready=False ({@link PodReadiness}, kube's {@code MarkPodsNotReady});</li>
 *   <li>they are <em>not</em> evicted: an edge node keeps running its pods while cut off. Only a
 *       node annotated {@value EvictionTimeout#ANNOTATION} gets the {@code NoExecute} taints and
 *       loses its pods after the timeout or their {@code tolerationSeconds} ({@link PodEvictions}).</li>
 * </ul>
 * When the lease is renewed the owned taints go; the conditions are left for the agent to report.
 * As kube in full disruption, nothing is evicted while every node is unreachable (the control
 * plane's own link is then the likelier fault). Not done (kube's, optional here): eviction rate
 * limits and the per-zone partial disruption states.
 *
 * <p>Thread model: informer threads only enqueue node names (a Lease, or a pod bound to a node,
 * enqueues its node). Workers sync one node at a time (the queue never gives a name to two
 * workers), so the per-node {@link NodeHealth} map is written by one thread per key. A node's
 * next check (its grace period running out, a pod's eviction deadline) is a delayed re-queue on
 * the injected clock. Node and pod writes carry the resourceVersion read; a conflict fails the
 * sync, which is re-queued with back-off and reads the cache again.
 */
public final class NodeLifecycleController implements Controller {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLifecycleController.class);

    public static final String NAME = "node-lifecycle";
    static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final String BY_NODE = NAME + "/spec.nodeName";

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final Timings timings;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<Lease> leases;
    private final SharedIndexInformer<Pod> pods;
    private final WorkQueue<String> queue;
    private final Workers workers;
    private final EventRecorder events;
    private final Map<String, NodeHealth> health = new ConcurrentHashMap<>();
    /** The bad annotation value last reported per node, so the Event is written once per value. */
    private final Map<String, String> reportedInvalid = new ConcurrentHashMap<>();

    public NodeLifecycleController(ControllerContext context, ControllerConfig config, Timings timings) {
        this.client = context.client();
        this.config = config;
        this.timings = timings;
        this.nodes = context.informers().of(Node.class);
        this.leases = context.informers().of(Lease.class);
        this.pods = context.informers().of(Pod.class);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        this.events = context.recorder("node-controller");
        pods.addIndexers(Map.of(BY_NODE, p -> p.getSpec() == null || p.getSpec().getNodeName() == null
                ? List.of() : List.of(p.getSpec().getNodeName())));
        nodes.addEventHandler(Handlers.onEach(n -> queue.add(n.getMetadata().getName())));
        leases.addEventHandler(Handlers.onEach(l -> {
            if (LEASE_NAMESPACE.equals(l.getMetadata().getNamespace())) {
                queue.add(l.getMetadata().getName());
            }
        }));
        pods.addEventHandler(Handlers.onChange((old, cur) -> {
            if (cur.getSpec() != null && cur.getSpec().getNodeName() != null
                    && (old == null || !cur.getSpec().getNodeName().equals(old.getSpec().getNodeName()))) {
                queue.add(cur.getSpec().getNodeName());
            }
        }));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run() {
        workers.start(config.workers());
    }

    @Override
    public void close() {
        workers.close();
        events.close();
    }

    void sync(String name) {
        Node node = nodes.getStore().getByKey(name);
        if (node == null) {
            health.remove(name);
            reportedInvalid.remove(name);
            return;
        }
        Instant now = config.clock().instant();
        NodeHealth previous = health.get(name);
        NodeHealth current = NodeHealth.observe(previous, node, leases.getStore().getByKey(LEASE_NAMESPACE + "/" + name), now);
        health.put(name, current);
        Duration grace = NodeHealth.ready(node).isPresent() ? timings.nodeMonitorGracePeriod()
                : timings.nodeStartupGracePeriod();
        boolean unreachable = current.expired(now, grace);
        // kube records NodeNotReady when the Ready condition it observed was True and is no longer.
        boolean wasReady = NodeHealth.ready(node).map(c -> "True".equals(c.getStatus())).orElse(false);
        EvictionTimeout eviction = evictionOf(node);

        if (unreachable) {
            Optional<List<NodeCondition>> conditions = NodeConditions.markUnknown(node, now, NodeConditions.message(eviction));
            if (conditions.isPresent()) {
                Node copy = copy(node);
                if (copy.getStatus() == null) {
                    copy.setStatus(new NodeStatus());
                }
                copy.getStatus().setConditions(conditions.get());
                node = client.nodes().resource(copy).updateStatus();
                if (wasReady) {
                    events.event(node, EventRecorder.NORMAL, "NodeNotReady", "Node " + name
                            + " status is now: NodeNotReady (" + NodeConditions.message(eviction) + ")");
                }
            }
        }
        boolean notReady = !unreachable && NodeHealth.ready(node).map(c -> "False".equals(c.getStatus())).orElse(false);
        boolean evict = eviction instanceof EvictionTimeout.After;
        var taints = NodeTaints.reconcile(node.getSpec() == null ? null : node.getSpec().getTaints(), unreachable,
                notReady, evict, now);
        if (taints.isPresent()) {
            Node copy = copy(node);
            if (copy.getSpec() == null) {
                copy.setSpec(new NodeSpec());
            }
            copy.getSpec().setTaints(taints.get());
            node = client.nodes().resource(copy).update();
        }
        List<Pod> onNode = pods.getIndexer().byIndex(BY_NODE, name);
        if (unreachable || notReady) {
            markPodsNotReady(onNode, now);
        }
        Optional<Instant> next = Optional.empty();
        if (eviction instanceof EvictionTimeout.After after) {
            if (allNodesUnreachable(now)) {
                // kube's full disruption: every node silent at once means the control plane's own
                // link is the likelier fault; it evicts nothing until some node is heard again.
                LOG.warn("every node is unreachable; not evicting pods from {} until one is heard from", name);
                next = Optional.of(now.plus(timings.nodeMonitorGracePeriod()));
            } else {
                next = evict(node, onNode, after.timeout(), now);
            }
        }
        if (!unreachable) {
            next = earliest(next, current.expiry(grace).plusMillis(1));
        }
        next.ifPresent(at -> queue.addAfter(name, Duration.between(now, at)));
    }

    /** Whether every node this controller knows has expired (none heard within its grace period). */
    private boolean allNodesUnreachable(Instant now) {
        for (Node n : nodes.getStore().list()) {
            NodeHealth h = health.get(n.getMetadata().getName());
            Duration grace = NodeHealth.ready(n).isPresent() ? timings.nodeMonitorGracePeriod()
                    : timings.nodeStartupGracePeriod();
            if (h == null || !h.expired(now, grace)) {
                return false;
            }
        }
        return true;
    }

    private EvictionTimeout evictionOf(Node node) {
        EvictionTimeout eviction = EvictionTimeout.of(node);
        String name = node.getMetadata().getName();
        if (eviction instanceof EvictionTimeout.Invalid invalid) {
            if (!invalid.value().equals(reportedInvalid.put(name, invalid.value()))) {
                events.event(node, EventRecorder.WARNING, "InvalidEvictionTimeout", invalid.message());
            }
        } else {
            reportedInvalid.remove(name);
        }
        return eviction;
    }

    private void markPodsNotReady(List<Pod> onNode, Instant now) {
        for (Pod pod : onNode) {
            var conditions = PodReadiness.markNotReady(pod.getStatus() == null ? null : pod.getStatus().getConditions(), now);
            if (conditions.isEmpty()) {
                continue;
            }
            Pod copy = copy(pod);
            copy.getStatus().setConditions(conditions.get());
            try {
                Pod updated = client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(copy).updateStatus();
                // kube records this after the update, so that the pod is known to still exist.
                events.event(updated, EventRecorder.WARNING, "NodeNotReady", "Node is not ready");
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    /** Deletes the pods whose deadline passed; returns the earliest deadline still ahead. */
    private Optional<Instant> evict(Node node, List<Pod> onNode, Duration timeout, Instant now) {
        Optional<Instant> next = Optional.empty();
        for (Pod pod : onNode) {
            if (!Pods.isActive(pod)) {
                continue; // finished or already terminating: deleting it again frees nothing
            }
            Optional<Instant> deadline = PodEvictions.deadline(pod, node.getSpec() == null ? null
                    : node.getSpec().getTaints(), timeout, now);
            if (deadline.isEmpty()) {
                continue;
            }
            if (deadline.get().isAfter(now)) {
                next = earliest(next, deadline.get());
                continue;
            }
            try {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
                events.event(pod, EventRecorder.NORMAL, "TaintManagerEviction",
                        "Marking for deletion Pod " + Pods.key(pod));
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404 && e.getCode() != 409) {
                    throw e;
                }
            }
        }
        return next;
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Instant b) {
        return a.isEmpty() || b.isBefore(a.get()) ? Optional.of(b) : a;
    }

    private <T> T copy(T cached) {
        // The informer's objects are shared with other controllers: never mutate them.
        return client.getKubernetesSerialization().clone(cached);
    }
}
