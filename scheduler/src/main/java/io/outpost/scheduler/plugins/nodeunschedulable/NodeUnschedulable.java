package io.outpost.scheduler.plugins.nodeunschedulable;

import io.fabric8.kubernetes.api.model.Taint;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.FilterPlugin;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.Status;
import io.outpost.scheduler.framework.Tolerations;

/**
 * A cordoned node ({@code spec.unschedulable}) takes no new pods unless the pod tolerates the
 * {@code node.kubernetes.io/unschedulable:NoSchedule} taint (kube's NodeUnschedulable; DaemonSet
 * pods carry that toleration).
 */
public final class NodeUnschedulable implements FilterPlugin {

    public static final String NAME = "NodeUnschedulable";
    static final String REASON = "node(s) were unschedulable";
    private static final Taint UNSCHEDULABLE = new Taint("NoSchedule", "node.kubernetes.io/unschedulable", null, null);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        if (!Boolean.TRUE.equals(node.node().getSpec() == null ? null : node.node().getSpec().getUnschedulable())) {
            return Status.SUCCESS;
        }
        return Tolerations.anyTolerates(pod.pod().getSpec().getTolerations(), UNSCHEDULABLE) ? Status.SUCCESS
                : Status.unresolvable(REASON);
    }
}
