package io.outpost.scheduler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import io.outpost.scheduler.framework.PodInfo;

/**
 * The pods nominated to a node by preemption and not yet bound (kube's {@code nominator}): the
 * room their victims free is theirs, so while they wait, a pod of lower priority is filtered as
 * if they already ran there (kube's {@code RunFilterPluginsWithNominatedPods}); a pod of equal or
 * higher priority is filtered with them too, as kube does.
 *
 * <p>Thread model: informer threads nominate (a pod's {@code status.nominatedNodeName}) and
 * remove (bound or deleted); the scheduling thread nominates after preemption and reads. One lock
 * guards both maps.
 */
final class Nominator {

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, String> nodeOf = new HashMap<>(); // uid -> node
    private final Map<String, Map<String, PodInfo>> byNode = new HashMap<>(); // node -> uid -> pod

    void nominate(PodInfo pod, String node) {
        lock.lock();
        try {
            removeLocked(pod.uid());
            nodeOf.put(pod.uid(), node);
            byNode.computeIfAbsent(node, n -> new LinkedHashMap<>()).put(pod.uid(), pod);
        } finally {
            lock.unlock();
        }
    }

    void remove(String uid) {
        lock.lock();
        try {
            removeLocked(uid);
        } finally {
            lock.unlock();
        }
    }

    private void removeLocked(String uid) {
        String node = nodeOf.remove(uid);
        if (node != null) {
            Map<String, PodInfo> pods = byNode.get(node);
            pods.remove(uid);
            if (pods.isEmpty()) {
                byNode.remove(node);
            }
        }
    }

    /** The pods nominated to {@code node}, other than {@code pod}, whose priority is at least its. */
    List<PodInfo> ahead(String node, PodInfo pod) {
        lock.lock();
        try {
            Map<String, PodInfo> pods = byNode.get(node);
            if (pods == null) {
                return List.of();
            }
            List<PodInfo> ahead = new ArrayList<>();
            for (PodInfo p : pods.values()) {
                if (!p.uid().equals(pod.uid()) && p.priority() >= pod.priority()) {
                    ahead.add(p);
                }
            }
            return ahead;
        } finally {
            lock.unlock();
        }
    }
}
