package io.outpost.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.Snapshot;

/**
 * The scheduler's view of the cluster (kube's scheduler cache): every Node, and every pod
 * assigned to a node, plus the pods this scheduler has <em>assumed</em> onto a node while their
 * binding is in flight, so that the next pod already sees their requests and ports. An assumed
 * pod is confirmed when the informer shows it bound, and forgotten if its binding fails.
 * Terminated pods (phase Succeeded or Failed) hold nothing and are dropped.
 *
 * <p>Thread model: informer threads call the add/update/delete methods; the scheduling thread
 * reads it through {@link #withSnapshot}, which holds the one lock for the whole cycle, so a
 * cycle sees one consistent cluster and informer events wait (microseconds to a few ms) behind
 * it. The lock is a {@link ReentrantLock}, fine on virtual threads.
 */
public final class SchedulerCache {

    private record PodState(PodInfo pod, String nodeName, boolean assumed) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
    private final Map<String, PodState> pods = new HashMap<>();
    private final Map<String, Integer> imageNodes = new HashMap<>();
    private List<NodeInfo> nodeList;
    private List<NodeInfo> affinityNodes;

    /** The change log behind {@link Snapshot#changedSince}: the last {@value #LOG_SIZE} node changes. */
    private static final int LOG_SIZE = 16_384;
    private record Change(long seq, NodeInfo node) {
    }
    private final java.util.ArrayDeque<Change> log = new java.util.ArrayDeque<>();
    private long seq;
    private long nodeSetChangedAt;

    private final Snapshot snapshot = new Snapshot() {
        @Override
        public List<NodeInfo> nodes() {
            if (nodeList == null) {
                nodeList = nodes.values().stream().filter(n -> n.node() != null).toList();
            }
            return nodeList;
        }

        @Override
        public NodeInfo get(String nodeName) {
            NodeInfo n = nodes.get(nodeName);
            return n == null || n.node() == null ? null : n;
        }

        @Override
        public List<NodeInfo> nodesWithAffinityPods() {
            if (affinityNodes == null) {
                affinityNodes = nodes().stream().filter(n -> !n.podsWithAffinity().isEmpty()).toList();
            }
            return affinityNodes;
        }

        @Override
        public int nodesWithImage(String image) {
            return imageNodes.getOrDefault(image, 0);
        }

        @Override
        public long changeSeq() {
            return seq;
        }

        @Override
        public List<NodeInfo> changedSince(long since) {
            if (since < nodeSetChangedAt || since > seq || (since < seq && (log.isEmpty() || log.peekFirst().seq() > since + 1))) {
                return null;
            }
            List<NodeInfo> changed = new ArrayList<>();
            for (var it = log.descendingIterator(); it.hasNext();) {
                Change c = it.next();
                if (c.seq() <= since) {
                    break;
                }
                changed.add(c.node());
            }
            return changed;
        }
    };

    private void recordChange(NodeInfo node) {
        seq++;
        log.addLast(new Change(seq, node));
        if (log.size() > LOG_SIZE) {
            log.removeFirst();
        }
    }

    /** Runs {@code cycle} on a consistent view, under the cache's lock. */
    public <T> T withSnapshot(Function<Snapshot, T> cycle) {
        lock.lock();
        try {
            return cycle.apply(snapshot);
        } finally {
            lock.unlock();
        }
    }

    public void addOrUpdateNode(Node node) {
        lock.lock();
        try {
            String name = node.getMetadata().getName();
            NodeInfo info = nodes.get(name);
            if (info == null || info.node() == null) {
                if (info == null) {
                    info = new NodeInfo(node);
                    nodes.put(name, info);
                } else {
                    info.setNode(node);
                }
                countImages(info, 1);
                changed();
                recordChange(info);
                nodeSetChangedAt = seq;
            } else {
                countImages(info, -1);
                info.setNode(node);
                countImages(info, 1);
                recordChange(info);
                affinityNodes = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The Node object last given for that name, or null. */
    public Node node(String name) {
        lock.lock();
        try {
            NodeInfo info = nodes.get(name);
            return info == null ? null : info.node();
        } finally {
            lock.unlock();
        }
    }

    public void deleteNode(String name) {
        lock.lock();
        try {
            NodeInfo info = nodes.get(name);
            if (info == null) {
                return;
            }
            countImages(info, -1);
            if (info.pods().isEmpty()) {
                nodes.remove(name);
            } else {
                info.setNode(null); // its pods' deletions are still to come
            }
            changed();
            recordChange(info);
            nodeSetChangedAt = seq;
        } finally {
            lock.unlock();
        }
    }

    /** A pod added or updated: kept if it is assigned and not terminated, dropped otherwise. */
    public void addOrUpdatePod(Pod pod) {
        lock.lock();
        try {
            String uid = pod.getMetadata().getUid();
            String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            boolean holds = nodeName != null && !nodeName.isEmpty() && !"Succeeded".equals(phase)
                    && !"Failed".equals(phase);
            PodState old = pods.get(uid);
            if (old != null && old.assumed() && !holds && (nodeName == null || nodeName.isEmpty())) {
                return; // the informer has not seen our binding yet: keep the assumption
            }
            if (old != null) {
                remove(uid, old);
            }
            if (holds) {
                add(new PodState(PodInfo.of(pod), nodeName, false));
            }
        } finally {
            lock.unlock();
        }
    }

    public void deletePod(String uid) {
        lock.lock();
        try {
            PodState old = pods.get(uid);
            if (old != null) {
                remove(uid, old);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Puts the pod on the node before its binding is confirmed. Call within {@link #withSnapshot}. */
    void assume(PodInfo pod, String nodeName) {
        lock.lock();
        try {
            PodState old = pods.get(pod.uid());
            if (old != null) {
                remove(pod.uid(), old);
            }
            add(new PodState(pod, nodeName, true));
        } finally {
            lock.unlock();
        }
    }

    /** Undoes {@link #assume} after a failed binding; a pod the informer has confirmed stays. */
    void forget(PodInfo pod) {
        lock.lock();
        try {
            PodState old = pods.get(pod.uid());
            if (old != null && old.assumed()) {
                remove(pod.uid(), old);
            }
        } finally {
            lock.unlock();
        }
    }

    /** True while the pod is assumed or known bound: the queue must not schedule it again. */
    boolean isAssignedOrAssumed(String uid) {
        lock.lock();
        try {
            return pods.containsKey(uid);
        } finally {
            lock.unlock();
        }
    }

    public int nodeCount() {
        return withSnapshot(s -> s.nodes().size());
    }

    /** The pods on a node (bound or assumed), namespace/name, for tests and diagnosis. */
    public List<String> podsOn(String nodeName) {
        return withSnapshot(s -> {
            NodeInfo n = nodes.get(nodeName);
            List<String> names = new ArrayList<>();
            if (n != null) {
                n.pods().forEach(p -> names.add(p.key()));
            }
            return names;
        });
    }

    private void add(PodState state) {
        pods.put(state.pod().uid(), state);
        NodeInfo info = nodes.computeIfAbsent(state.nodeName(), n -> new NodeInfo(null));
        boolean hadAffinity = !info.podsWithAffinity().isEmpty();
        info.addPod(state.pod());
        recordChange(info);
        if (hadAffinity != !info.podsWithAffinity().isEmpty()) {
            affinityNodes = null;
        }
    }

    private void remove(String uid, PodState state) {
        pods.remove(uid);
        NodeInfo info = nodes.get(state.nodeName());
        if (info == null) {
            return;
        }
        boolean hadAffinity = !info.podsWithAffinity().isEmpty();
        info.removePod(uid);
        recordChange(info);
        if (hadAffinity != !info.podsWithAffinity().isEmpty()) {
            affinityNodes = null;
        }
        if (info.node() == null && info.pods().isEmpty()) {
            nodes.remove(state.nodeName());
        }
    }

    private void countImages(NodeInfo info, int delta) {
        if (info.node() == null) {
            return;
        }
        for (String image : info.imageSizes().keySet()) {
            imageNodes.merge(image, delta, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    private void changed() {
        nodeList = null;
        affinityNodes = null;
    }
}
