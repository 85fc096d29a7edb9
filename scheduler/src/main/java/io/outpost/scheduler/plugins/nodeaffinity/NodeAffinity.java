package io.outpost.scheduler.plugins.nodeaffinity;

import java.util.List;

import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.FilterPlugin;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.NodeSelectors;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PreScorePlugin;
import io.outpost.scheduler.framework.ScorePlugin;
import io.outpost.scheduler.framework.Snapshot;
import io.outpost.scheduler.framework.Status;

/**
 * The pod's {@code nodeSelector} and required node affinity filter nodes; its preferred terms
 * score them by the sum of the weights of the terms a node matches, scaled so the best is 100
 * (kube's NodeAffinity).
 */
public final class NodeAffinity implements FilterPlugin, PreScorePlugin, ScorePlugin {

    public static final String NAME = "NodeAffinity";
    static final String REASON = "node(s) didn't match Pod's node affinity/selector";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        return NodeSelectors.podMatchesNode(pod.pod(), node.node(), node.labels()) ? Status.SUCCESS
                : Status.unresolvable(REASON);
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, Snapshot snapshot) {
        return preferred(pod).isEmpty() ? Status.SKIP : Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long sum = 0;
        for (PreferredSchedulingTerm term : preferred(pod)) {
            if (term.getPreference() != null && term.getWeight() != null
                    && NodeSelectors.termMatches(term.getPreference(), node.node(), node.labels())) {
                sum += term.getWeight();
            }
        }
        return sum;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
        ScorePlugin.defaultNormalize(scores, false);
    }

    private static List<PreferredSchedulingTerm> preferred(PodInfo pod) {
        var affinity = pod.pod().getSpec().getAffinity();
        if (affinity == null || affinity.getNodeAffinity() == null
                || affinity.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
            return List.of();
        }
        return affinity.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    }
}
