package io.outpost.controllers.daemonset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDaemonSet;
import io.outpost.controllers.common.History;
import io.outpost.controllers.common.Pods;

/**
 * One step of a DaemonSet's RollingUpdate (kube's {@code daemon/update.go rollingUpdate}), pure so
 * its arithmetic is tested as tables. Nodes are walked in name order so a step is deterministic.
 * <ul>
 *   <li>without surge, old pods are deleted while fewer than {@code maxUnavailable} nodes lack an
 *       available daemon; an old pod that is not available anyway is replaced at once; the
 *       placement step then creates the new pod on the emptied node;</li>
 *   <li>with {@code maxSurge}, a new pod is created beside the old one on at most that many nodes
 *       at once (at once wherever the old one is not available), and the old one goes when the
 *       new one is available; an old pod on a node that no longer wants the daemon goes only
 *       while as many pods as desired are available elsewhere.</li>
 * </ul>
 */
final class RollingUpdate {

    /** @param delete old pods to delete; @param create nodes to create a surge pod on */
    record Step(List<Pod> delete, List<String> create) {
    }

    /** The resolved limits: maxSurge and maxUnavailable as numbers of nodes. */
    record Limits(int maxSurge, int maxUnavailable) {
    }

    private RollingUpdate() {
    }

    /**
     * kube's {@code updatedDesiredNodeCounts}: percentages of the nodes that should run the daemon,
     * rounded up; both zero would never progress, so with a node to run on one may then be
     * unavailable.
     */
    static Limits limits(DaemonSet ds, int desired) {
        RollingUpdateDaemonSet ru = ds.getSpec().getUpdateStrategy() == null ? null
                : ds.getSpec().getUpdateStrategy().getRollingUpdate();
        int surge = scaled(ru == null ? null : ru.getMaxSurge(), desired, 0);
        int unavailable = scaled(ru == null ? null : ru.getMaxUnavailable(), desired, 1);
        if (desired > 0 && surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new Limits(surge, unavailable);
    }

    /** An int or a percentage of {@code total}, rounded up (kube's {@code GetScaledValueFromIntOrPercent}). */
    static int scaled(IntOrString value, int total, int defaultValue) {
        if (value == null || (value.getIntVal() == null && value.getStrVal() == null)) {
            return defaultValue;
        }
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        String s = value.getStrVal();
        if (!s.endsWith("%")) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                return defaultValue; // the API server refuses such a value; never fail a sync on it
            }
        }
        int percent = Integer.parseInt(s.substring(0, s.length() - 1));
        return (int) Math.ceil(percent * (double) total / 100.0);
    }

    static Step step(DaemonSet ds, List<Node> nodes, Map<String, List<Pod>> podsByNode, String hash, Instant now) {
        int minReady = NodePlan.minReadySeconds(ds);
        Map<String, Node> nodesByName = new HashMap<>();
        Map<String, List<Pod>> considered = new TreeMap<>(podsByNode);
        int desired = 0;
        for (Node node : nodes) {
            nodesByName.put(node.getMetadata().getName(), node);
            if (Eligibility.of(node, ds).shouldRun()) {
                desired++;
                considered.putIfAbsent(node.getMetadata().getName(), List.of());
            }
        }
        Limits limits = limits(ds, desired);
        if (limits.maxSurge() == 0) {
            return withoutSurge(considered, hash, minReady, limits.maxUnavailable(), now);
        }
        int surging = 0;
        int available = 0;
        List<Pod> delete = new ArrayList<>();
        List<Pod> notWanted = new ArrayList<>();
        List<String> replaceNow = new ArrayList<>();
        List<String> candidates = new ArrayList<>();
        for (Map.Entry<String, List<Pod>> e : considered.entrySet()) {
            Pair pair = Pair.of(e.getValue(), hash);
            if (pair == null) {
                surging++; // several pods of one kind: the placement step cleans up first
                continue;
            }
            Pod counted = pair.old() != null ? pair.old() : pair.updated();
            if (counted != null && Pods.isAvailable(counted, minReady, now)) {
                available++;
            }
            if (pair.old() == null) {
                continue; // updated, or empty: the placement step handles it
            }
            Node node = nodesByName.get(e.getKey());
            boolean wanted = node != null && Eligibility.of(node, ds).shouldRun();
            if (pair.updated() == null) {
                if (!Pods.isAvailable(pair.old(), minReady, now)) {
                    if (wanted) {
                        replaceNow.add(e.getKey()); // nothing to keep available: replace at once
                    } else {
                        delete.add(pair.old());
                    }
                } else if (!wanted) {
                    notWanted.add(pair.old());
                } else if (surging < limits.maxSurge()) {
                    candidates.add(e.getKey());
                }
                continue;
            }
            if (!Pods.isAvailable(pair.updated(), minReady, now)) {
                surging++; // waiting for the new pod
                continue;
            }
            delete.add(pair.old());
        }
        // With surge the owner expects full availability: a pod on a node that no longer wants it
        // goes only once as many pods are available elsewhere as are desired.
        int deletable = Math.min(Math.max(0, available - desired), notWanted.size());
        delete.addAll(notWanted.subList(0, deletable));
        int remaining = Math.min(Math.max(0, limits.maxSurge() - surging), candidates.size());
        List<String> create = new ArrayList<>(replaceNow);
        create.addAll(candidates.subList(0, remaining));
        return new Step(delete, create);
    }

    private static Step withoutSurge(Map<String, List<Pod>> considered, String hash, int minReady, int maxUnavailable,
                                     Instant now) {
        int unavailable = 0;
        List<Pod> replaceNow = new ArrayList<>();
        List<Pod> candidates = new ArrayList<>();
        for (List<Pod> pods : considered.values()) {
            Pair pair = Pair.of(pods, hash);
            if (pair == null) {
                unavailable++;
                continue;
            }
            if (pair.updated() == null && pair.old() == null || pair.updated() != null && pair.old() != null) {
                unavailable++; // the placement step creates or deletes here first
            } else if (pair.updated() != null) {
                if (!Pods.isAvailable(pair.updated(), minReady, now)) {
                    unavailable++;
                }
            } else if (!Pods.isAvailable(pair.old(), minReady, now)) {
                replaceNow.add(pair.old());
                unavailable++;
            } else if (unavailable < maxUnavailable) {
                candidates.add(pair.old());
            }
        }
        int remaining = Math.max(0, maxUnavailable - unavailable);
        List<Pod> delete = new ArrayList<>(replaceNow);
        delete.addAll(candidates.subList(0, Math.min(remaining, candidates.size())));
        return new Step(delete, List.of());
    }

    /** The updated and the old pod on one node; null when there are two of one kind (kube's {@code findUpdatedPodsOnNode}). */
    private record Pair(Pod updated, Pod old) {
        static Pair of(List<Pod> pods, String hash) {
            Pod updated = null;
            Pod old = null;
            for (Pod pod : pods) {
                if (pod.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                if (hash.equals(NodePlan.label(pod, History.HASH_LABEL))) {
                    if (updated != null) {
                        return null;
                    }
                    updated = pod;
                } else {
                    if (old != null) {
                        return null;
                    }
                    old = pod;
                }
            }
            return new Pair(updated, old);
        }
    }
}
