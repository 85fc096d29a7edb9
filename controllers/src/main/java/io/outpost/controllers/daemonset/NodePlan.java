package io.outpost.controllers.daemonset;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.outpost.controllers.common.History;
import io.outpost.controllers.common.Pods;

/**
 * What one sync does about placement (kube's {@code manage} and {@code podsShouldBeOnNode}), pure
 * so it is tested as tables: which nodes need a daemon pod and which daemon pods go.
 * <ul>
 *   <li>a node that should run the daemon and has no pod for it gets one;</li>
 *   <li>on a node where the pod may keep running: a Failed pod is deleted (and replaced by the
 *       next sync), but at most once per back-off period per node, as kube does so that a kubelet
 *       that keeps rejecting the pod is not fought in a hot loop; of several running pods the
 *       oldest stays (without surge), or the oldest updated one and, until that one is available,
 *       the oldest old one (with surge);</li>
 *   <li>a node where it may not keep running (selector, affinity, an untolerated NoExecute taint)
 *       loses its daemon pods;</li>
 *   <li>a pod never scheduled whose node no longer exists is deleted; one bound to a deleted node
 *       is left to the pod garbage collector, as kube leaves it.</li>
 * </ul>
 */
final class NodePlan {

    /**
     * @param nodesNeedingPods nodes to create a pod for
     * @param podsToDelete     pods to delete
     * @param failedPods       Failed pods among {@code podsToDelete} (each worth a warning event)
     * @param succeededPods    Succeeded pods among {@code podsToDelete} (each worth a normal event)
     * @param retryAfter       when a pod still in back-off should be looked at again, or null
     */
    record Result(List<String> nodesNeedingPods, List<Pod> podsToDelete, List<Pod> failedPods, List<Pod> succeededPods,
                  Duration retryAfter) {
    }

    /** The per-node back-off of Failed daemon pods (kube's {@code failedPodsBackoff}). */
    interface Backoff {
        /** Whether a pod failed on this node less than the current back-off ago, and if so, how long until then. */
        Duration remaining(String key, Instant now);

        /** A Failed pod is being replaced now: the next one must wait twice as long. */
        void next(String key, Instant now);
    }

    private NodePlan() {
    }

    static Result plan(DaemonSet ds, List<Node> nodes, Map<String, List<Pod>> podsByNode, String hash, boolean surge,
                       Instant now, Backoff backoff) {
        List<String> create = new ArrayList<>();
        List<Pod> delete = new ArrayList<>();
        List<Pod> failed = new ArrayList<>();
        List<Pod> succeeded = new ArrayList<>();
        Duration retry = null;
        int minReady = minReadySeconds(ds);
        // kube keys the back-off by uid and observed generation: a new template starts it over.
        String dsKey = ds.getMetadata().getUid() + "/"
                + (ds.getStatus() == null || ds.getStatus().getObservedGeneration() == null ? 0 : ds.getStatus().getObservedGeneration());
        for (Node node : nodes) {
            String name = node.getMetadata().getName();
            Eligibility.Placement placement = Eligibility.of(node, ds);
            List<Pod> pods = podsByNode.get(name);
            boolean exists = pods != null && !pods.isEmpty();
            if (placement.shouldRun() && !exists) {
                create.add(name);
                continue;
            }
            if (!exists) {
                continue;
            }
            if (!placement.shouldContinueRunning()) {
                pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).forEach(delete::add);
                continue;
            }
            List<Pod> running = new ArrayList<>();
            for (Pod pod : pods) {
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                if ("Failed".equals(phase(pod))) {
                    String key = dsKey + "/" + name;
                    Duration wait = backoff.remaining(key, now);
                    if (wait != null) {
                        retry = retry == null || wait.compareTo(retry) < 0 ? wait : retry;
                        continue;
                    }
                    backoff.next(key, now);
                    delete.add(pod);
                    failed.add(pod);
                    continue;
                }
                if ("Succeeded".equals(phase(pod))) {
                    // A daemon (restartPolicy Always) only completes when its node stopped it for good;
                    // kube deletes it without back-off, as nothing on the node would start it again.
                    delete.add(pod);
                    succeeded.add(pod);
                    continue;
                }
                running.add(pod);
            }
            running.sort(OLDEST_SCHEDULED_FIRST);
            if (!surge) {
                delete.addAll(running.subList(Math.min(1, running.size()), running.size()));
                continue;
            }
            if (running.isEmpty() && placement.shouldRun()) {
                create.add(name); // surging keeps at least one pod not being deleted on the node
                continue;
            }
            Pod oldestNew = null;
            Pod oldestOld = null;
            for (Pod pod : running) {
                boolean updated = hash.equals(label(pod, History.HASH_LABEL));
                if (updated && oldestNew == null) {
                    oldestNew = pod;
                } else if (!updated && oldestOld == null) {
                    oldestOld = pod;
                } else {
                    delete.add(pod);
                }
            }
            if (oldestNew != null && oldestOld != null
                    && (!Pods.isReady(oldestOld) || Pods.isAvailable(oldestNew, minReady, now))) {
                // The surge pod took over (or the old one serves nothing): the old one goes.
                delete.add(oldestOld);
            }
        }
        // Pods never scheduled, pinned to a node that is gone: kube's getUnscheduledPodsWithoutNode.
        Set<String> known = nodes.stream().map(n -> n.getMetadata().getName()).collect(Collectors.toSet());
        for (Map.Entry<String, List<Pod>> e : podsByNode.entrySet()) {
            if (known.contains(e.getKey())) {
                continue;
            }
            for (Pod pod : e.getValue()) {
                boolean unscheduled = pod.getSpec() == null || pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty();
                if (unscheduled && pod.getMetadata().getDeletionTimestamp() == null) {
                    delete.add(pod);
                }
            }
        }
        return new Result(create, delete, failed, succeeded, retry);
    }

    /** Scheduled pods first, then the oldest, then by name (kube's {@code podByCreationTimestampAndPhase}). */
    static final Comparator<Pod> OLDEST_SCHEDULED_FIRST = Comparator
            .comparing((Pod p) -> p.getSpec() == null || p.getSpec().getNodeName() == null || p.getSpec().getNodeName().isEmpty())
            .thenComparing(p -> Objects.toString(p.getMetadata().getCreationTimestamp(), ""))
            .thenComparing(p -> p.getMetadata().getName());

    /** Pods by the node they are for, as kube's {@code getNodesToDaemonPods}: terminal pods being deleted are done with. */
    static Map<String, List<Pod>> byNode(List<Pod> pods) {
        Map<String, List<Pod>> out = new HashMap<>();
        for (Pod pod : pods) {
            String phase = phase(pod);
            boolean terminal = "Succeeded".equals(phase) || "Failed".equals(phase);
            if (terminal && pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            out.computeIfAbsent(Eligibility.targetNode(pod), k -> new ArrayList<>()).add(pod);
        }
        return out;
    }

    static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    static String label(Pod pod, String key) {
        return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(key);
    }

    static int minReadySeconds(DaemonSet ds) {
        return ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
    }
}
