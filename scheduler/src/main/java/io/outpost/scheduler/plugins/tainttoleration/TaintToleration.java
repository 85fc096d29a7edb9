package io.outpost.scheduler.plugins.tainttoleration;

import java.util.List;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.FilterPlugin;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.ScorePlugin;
import io.outpost.scheduler.framework.Status;
import io.outpost.scheduler.framework.Tolerations;

/**
 * A node's NoSchedule and NoExecute taints keep off every pod that does not tolerate them; its
 * PreferNoSchedule taints lower the node's score by how many of them the pod does not tolerate
 * (kube's TaintToleration).
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin {

    public static final String NAME = "TaintToleration";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        List<Toleration> tolerations = pod.pod().getSpec().getTolerations();
        var spec = node.node().getSpec();
        if (spec == null || spec.getTaints() == null) {
            return Status.SUCCESS;
        }
        for (Taint taint : spec.getTaints()) {
            boolean filters = "NoSchedule".equals(taint.getEffect()) || "NoExecute".equals(taint.getEffect());
            if (filters && !Tolerations.anyTolerates(tolerations, taint)) {
                return Status.unresolvable(reason(taint));
            }
        }
        return Status.SUCCESS;
    }

    /** As kube words it: {@code node(s) had untolerated taint {key: value}}. */
    static String reason(Taint taint) {
        return "node(s) had untolerated taint {" + taint.getKey() + ": "
                + (taint.getValue() == null ? "" : taint.getValue()) + "}";
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        var spec = node.node().getSpec();
        if (spec == null || spec.getTaints() == null) {
            return 0;
        }
        // Only tolerations that could apply to PreferNoSchedule count (empty effect or that one).
        List<Toleration> preferring = pod.pod().getSpec().getTolerations() == null ? List.of()
                : pod.pod().getSpec().getTolerations().stream()
                        .filter(t -> t.getEffect() == null || t.getEffect().isEmpty()
                                || t.getEffect().equals("PreferNoSchedule"))
                        .toList();
        long intolerable = 0;
        for (Taint taint : spec.getTaints()) {
            if ("PreferNoSchedule".equals(taint.getEffect()) && !Tolerations.anyTolerates(preferring, taint)) {
                intolerable++;
            }
        }
        return intolerable;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
        ScorePlugin.defaultNormalize(scores, true);
    }
}
