package io.outpost.scheduler.plugins.defaultpreemption;

import java.util.Map;
import java.util.TreeMap;

import io.outpost.scheduler.framework.Code;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PostFilterPlugin;
import io.outpost.scheduler.framework.Snapshot;
import io.outpost.scheduler.framework.Status;

/**
 * The PostFilter that, in kube, evicts lower-priority pods to make room. This version judges, per
 * node, whether preemption could help, and words the outcome as kube-scheduler does
 * ("preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."), but does
 * not evict yet: a node rejected for a reason eviction cannot change (a taint, a label) is "not
 * helpful"; a node without lower-priority pods has "No preemption victims found for incoming pod.";
 * a node that has some is reported as such and left alone. Eviction (victim selection, PDBs,
 * nominatedNodeName) is future work.
 */
public final class DefaultPreemption implements PostFilterPlugin {

    public static final String NAME = "DefaultPreemption";
    static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
    static final String NO_VICTIMS = "No preemption victims found for incoming pod";
    static final String NOT_IMPLEMENTED = "Preemption of lower-priority pods is not supported yet";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result postFilter(CycleState state, PodInfo pod, Snapshot snapshot, Map<String, Status> nodeStatuses) {
        if ("Never".equals(pod.pod().getSpec().getPreemptionPolicy())) {
            return new Result(Status.unresolvable("not eligible due to preemptionPolicy=Never."), null);
        }
        Map<String, Integer> histogram = new TreeMap<>();
        int all = snapshot.nodes().size();
        for (NodeInfo node : snapshot.nodes()) {
            Status s = nodeStatuses.get(node.name());
            String reason;
            if (s == null || s.code() != Code.UNSCHEDULABLE) {
                reason = NOT_HELPFUL;
            } else if (node.pods().stream().noneMatch(p -> p.priority() < pod.priority())) {
                reason = NO_VICTIMS;
            } else {
                reason = NOT_IMPLEMENTED;
            }
            histogram.merge(reason, 1, Integer::sum);
        }
        StringBuilder message = new StringBuilder("preemption: 0/").append(all).append(" nodes are available:");
        String sep = " ";
        for (String entry : histogram.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).sorted().toList()) {
            message.append(sep).append(entry);
            sep = ", ";
        }
        message.append('.');
        return new Result(Status.unschedulable(message.toString()), null);
    }
}
