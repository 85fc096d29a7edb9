package io.outpost.scheduler.plugins.defaultpreemption;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.Framework;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;

/**
 * A node where the pod would fit once {@code victims} are gone (kube's {@code candidate}), found
 * and ranked as kube's {@code selectVictimsOnNode} and {@code pickOneNodeForPreemption} do.
 *
 * @param node    the node's name
 * @param victims the pods to delete, most important first
 */
record Candidate(String node, List<PodInfo> victims) {

    /**
     * kube's {@code selectVictimsOnNode}: take every pod of lower priority off a copy of the node;
     * if the pod then passes the profile's filters, put them back one by one, most important
     * first, keeping each that still leaves room (reprieved); the rest are the victims. Empty if
     * the pod does not fit even with all of them gone.
     *
     * <p>Filters that precompute over the whole cluster in PreFilter (pod affinity, topology
     * spread) see the cluster with the victims still in it; kube adjusts them through
     * {@code AddPod}/{@code RemovePod} extensions, which Outpost's plugins do not have yet.
     */
    static Optional<Candidate> on(NodeInfo node, PodInfo pod, Framework framework, CycleState state) {
        List<PodInfo> lower = node.pods().stream().filter(p -> p.priority() < pod.priority())
                .sorted(MORE_IMPORTANT_FIRST).toList();
        if (lower.isEmpty()) {
            return Optional.empty();
        }
        NodeInfo without = new NodeInfo(node.node());
        for (PodInfo p : node.pods()) {
            if (!lower.contains(p)) {
                without.addPod(p);
            }
        }
        if (!framework.runFilter(state, pod, without).isSuccess()) {
            return Optional.empty();
        }
        List<PodInfo> victims = new ArrayList<>();
        for (PodInfo p : lower) {
            without.addPod(p);
            if (!framework.runFilter(state, pod, without).isSuccess()) {
                without.removePod(p.uid());
                victims.add(p);
            }
        }
        return Optional.of(new Candidate(node.name(), victims));
    }

    /** kube's {@code MoreImportantPod}: higher priority, then the one that started earlier. */
    static final Comparator<PodInfo> MORE_IMPORTANT_FIRST = Comparator.comparingInt(PodInfo::priority).reversed()
            .thenComparing(Candidate::startTime);

    private static Instant startTime(PodInfo p) {
        var status = p.pod().getStatus();
        String t = status == null ? null : status.getStartTime();
        return t == null || t.isEmpty() ? Instant.MAX : Instant.parse(t);
    }

    /**
     * kube's {@code pickOneNodeForPreemption} (without PodDisruptionBudgets, not served yet): a
     * node needing no victim at once; else the lowest highest-priority victim, then the lowest
     * sum of priorities, then the fewest victims, then the latest start among the most important
     * victims (disturb the youngest work), then the first.
     */
    static Candidate best(List<Candidate> candidates) {
        for (Candidate c : candidates) {
            if (c.victims().isEmpty()) {
                return c;
            }
        }
        return candidates.stream().min(Comparator.comparingInt(Candidate::highestPriority)
                .thenComparingLong(Candidate::prioritySum)
                .thenComparingInt(c -> c.victims().size())
                .thenComparing(Candidate::earliestStartOfMostImportant, Comparator.reverseOrder())).orElseThrow();
    }

    int highestPriority() {
        return victims.get(0).priority();
    }

    /** kube shifts each priority by MaxInt32+1 so that negative priorities still add up as costs. */
    long prioritySum() {
        return victims.stream().mapToLong(p -> (long) p.priority() + Integer.MAX_VALUE + 1).sum();
    }

    Instant earliestStartOfMostImportant() {
        int top = highestPriority();
        return victims.stream().filter(p -> p.priority() == top).map(Candidate::startTime).min(Comparator.naturalOrder())
                .orElse(Instant.MAX);
    }
}
