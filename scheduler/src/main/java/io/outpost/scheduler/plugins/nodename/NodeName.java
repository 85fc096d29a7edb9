package io.outpost.scheduler.plugins.nodename;

import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.FilterPlugin;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.Status;

/** A pod that names its node ({@code spec.nodeName}) fits only that node (kube's NodeName). */
public final class NodeName implements FilterPlugin {

    public static final String NAME = "NodeName";
    static final String REASON = "node(s) didn't match the requested node name";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        String wanted = pod.pod().getSpec().getNodeName();
        return wanted == null || wanted.isEmpty() || wanted.equals(node.name()) ? Status.SUCCESS
                : Status.unresolvable(REASON);
    }
}
