package io.outpost.scheduler.plugins.defaultpreemption;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.outpost.scheduler.framework.Code;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.Framework;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodEvicter;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PostFilterPlugin;
import io.outpost.scheduler.framework.Snapshot;
import io.outpost.scheduler.framework.Status;

/**
 * kube's {@code DefaultPreemption} PostFilter: when no node fits a pod, deletes pods of lower
 * priority to make room on one node and nominates that node for the pod
 * ({@code status.nominatedNodeName}); the pod is tried again once the victims are gone.
 * <ul>
 *   <li>A pod with {@code preemptionPolicy: Never} does not preempt; nor does one whose nominated
 *       node still has a lower-priority pod terminating (it waits for the room already being made,
 *       rather than preempting again: kube's {@code PodEligibleToPreemptOthers}).</li>
 *   <li>Only nodes rejected for a reason eviction can change (Unschedulable, e.g. "Insufficient
 *       cpu") are candidates; a taint or a label (UnschedulableAndUnresolvable) is "not helpful".</li>
 *   <li>Victims are chosen per node by {@link Candidate#on} and the node by {@link Candidate#best}.</li>
 * </ul>
 * When nothing can be done, the message is kube's: "preemption: 0/3 nodes are available: 1 No
 * preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
 * Not done: PodDisruptionBudgets (not served) and clearing lower-priority pods' nominations.
 */
public final class DefaultPreemption implements PostFilterPlugin {

    public static final String NAME = "DefaultPreemption";
    static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
    static final String NO_VICTIMS = "No preemption victims found for incoming pod";

    private final PodEvicter evicter;

    public DefaultPreemption(PodEvicter evicter) {
        this.evicter = evicter;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result postFilter(CycleState state, PodInfo pod, Snapshot snapshot, Map<String, Status> nodeStatuses) {
        if ("Never".equals(pod.pod().getSpec().getPreemptionPolicy())) {
            return new Result(Status.unresolvable("not eligible due to preemptionPolicy=Never."), null);
        }
        if (terminatingVictimOnNominatedNode(pod, snapshot)) {
            return new Result(Status.unresolvable("not eligible due to a terminating pod on the nominated node."), null);
        }
        Framework framework = state.get(Framework.PROFILE);
        Map<String, Integer> histogram = new TreeMap<>();
        List<Candidate> candidates = new ArrayList<>();
        for (NodeInfo node : snapshot.nodes()) {
            Status s = nodeStatuses.get(node.name());
            if (s == null || s.code() != Code.UNSCHEDULABLE || framework == null) {
                histogram.merge(NOT_HELPFUL, 1, Integer::sum);
                continue;
            }
            Optional<Candidate> candidate = Candidate.on(node, pod, framework, state);
            if (candidate.isPresent()) {
                candidates.add(candidate.get());
            } else {
                histogram.merge(NO_VICTIMS, 1, Integer::sum);
            }
        }
        if (candidates.isEmpty()) {
            return new Result(Status.unschedulable(message(snapshot.nodes().size(), histogram)), null);
        }
        Candidate chosen = Candidate.best(candidates);
        for (PodInfo victim : chosen.victims()) {
            evicter.evict(victim.pod(), pod.pod(), chosen.node());
        }
        evicter.nominate(pod.pod(), chosen.node());
        return new Result(Status.SUCCESS, chosen.node());
    }

    private static boolean terminatingVictimOnNominatedNode(PodInfo pod, Snapshot snapshot) {
        var status = pod.pod().getStatus();
        String nominated = status == null ? null : status.getNominatedNodeName();
        NodeInfo node = nominated == null || nominated.isEmpty() ? null : snapshot.get(nominated);
        return node != null && node.pods().stream().anyMatch(p -> p.priority() < pod.priority()
                && p.pod().getMetadata().getDeletionTimestamp() != null);
    }

    private static String message(int all, Map<String, Integer> histogram) {
        StringBuilder message = new StringBuilder("preemption: 0/").append(all).append(" nodes are available:");
        String sep = " ";
        for (String entry : histogram.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).sorted().toList()) {
            message.append(sep).append(entry);
            sep = ", ";
        }
        return message.append('.').toString();
    }
}
