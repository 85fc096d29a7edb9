package io.outpost.scheduler.plugins.nodereachability;

import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.FilterPlugin;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.Status;
import io.outpost.scheduler.framework.Tolerations;

/**
 * An edge node whose link is down gets no new pods: they could not be delivered until it comes
 * back, while another node could run them now. A node is unreachable when it carries the
 * {@code node.kubernetes.io/unreachable} taint (any effect) or its Ready condition is Unknown
 * (its agent stopped reporting); not ready when Ready is False or it carries
 * {@code node.kubernetes.io/not-ready}. A pod that tolerates that taint (as kube matches
 * tolerations, effect NoSchedule) may still go there: it is meant to wait for the link.
 *
 * <p>This complements TaintToleration: the node lifecycle controller taints a silent node only
 * after its grace period, and Outpost does not evict from a disconnected node (edge autonomy),
 * so the condition is read directly.
 */
public final class NodeReachability implements FilterPlugin {

    public static final String NAME = "NodeReachability";
    public static final String UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";
    public static final String NOT_READY_TAINT = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node(s) were unreachable";
    static final String NOT_READY = "node(s) were not ready";

    private static final Taint UNREACHABLE_NO_SCHEDULE = new Taint("NoSchedule", UNREACHABLE_TAINT, null, null);
    private static final Taint NOT_READY_NO_SCHEDULE = new Taint("NoSchedule", NOT_READY_TAINT, null, null);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        String ready = readyStatus(node);
        boolean unreachable = "Unknown".equals(ready) || hasTaint(node, UNREACHABLE_TAINT);
        boolean notReady = "False".equals(ready) || hasTaint(node, NOT_READY_TAINT);
        var tolerations = pod.pod().getSpec().getTolerations();
        if (unreachable && !Tolerations.anyTolerates(tolerations, UNREACHABLE_NO_SCHEDULE)) {
            return Status.unresolvable(UNREACHABLE);
        }
        if (notReady && !Tolerations.anyTolerates(tolerations, NOT_READY_NO_SCHEDULE)) {
            return Status.unresolvable(NOT_READY);
        }
        return Status.SUCCESS;
    }

    /** "True", "False", "Unknown", or null when the agent never reported the condition. */
    private static String readyStatus(NodeInfo node) {
        var status = node.node().getStatus();
        if (status == null || status.getConditions() == null) {
            return null;
        }
        for (NodeCondition c : status.getConditions()) {
            if ("Ready".equals(c.getType())) {
                return c.getStatus();
            }
        }
        return null;
    }

    private static boolean hasTaint(NodeInfo node, String key) {
        var spec = node.node().getSpec();
        if (spec == null || spec.getTaints() == null) {
            return false;
        }
        for (Taint t : spec.getTaints()) {
            if (key.equals(t.getKey())) {
                return true;
            }
        }
        return false;
    }
}
