package io.outpost.scheduler.plugins.balancedallocation;

import java.util.ArrayList;
import java.util.List;

import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PluginContext;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PreScorePlugin;
import io.outpost.scheduler.framework.Resources;
import io.outpost.scheduler.framework.ScorePlugin;
import io.outpost.scheduler.framework.Snapshot;
import io.outpost.scheduler.framework.Status;
import tools.jackson.databind.JsonNode;

/**
 * Prefers the node whose resources would be used most evenly with the pod on it, so that a node
 * does not run out of memory while its CPUs idle (kube's {@code NodeResourcesBalancedAllocation}):
 * for each resource (args {@code resources}, default cpu and memory) the fraction requested of
 * allocatable, capped at 1; the score is {@code (1 - standard deviation) * 100}, which for two
 * resources is {@code |f1 - f2| / 2}. As kube it counts actual requests (not the non-zero
 * defaults), and skips a pod that requests none of the resources (kube issue 129138: best-effort
 * pods would otherwise pile onto one node).
 */
public final class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {

    public static final String NAME = "NodeResourcesBalancedAllocation";

    private final List<String> resources;

    public NodeResourcesBalancedAllocation(List<String> resources) {
        this.resources = List.copyOf(resources);
    }

    /** From {@code pluginConfig} args: {@code {resources: [{name, weight}]}} (weights do not change this score). */
    public static NodeResourcesBalancedAllocation create(PluginContext context) {
        List<String> names = new ArrayList<>();
        JsonNode list = context.args().path("resources");
        for (int i = 0; i < list.size(); i++) {
            String name = list.get(i).path("name").asString("");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("resources[" + i + "].name: Required value");
            }
            names.add(name);
        }
        return new NodeResourcesBalancedAllocation(names.isEmpty() ? List.of(Resources.CPU, Resources.MEMORY) : names);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, Snapshot snapshot) {
        return bestEffort(pod) ? Status.SKIP : Status.SUCCESS;
    }

    private boolean bestEffort(PodInfo pod) {
        return resources.stream().allMatch(r -> pod.requests().get(r) == 0);
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        if (bestEffort(pod)) {
            return 0;
        }
        double[] fractions = new double[resources.size()];
        int n = 0;
        double total = 0;
        for (String r : resources) {
            long allocatable = node.allocatable().get(r);
            if (allocatable == 0) {
                continue;
            }
            double f = Math.min(1.0, (double) (node.requested().get(r) + pod.requests().get(r)) / allocatable);
            fractions[n++] = f;
            total += f;
        }
        double std = 0;
        if (n == 2) {
            std = Math.abs((fractions[0] - fractions[1]) / 2);
        } else if (n > 2) {
            double mean = total / n;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += (fractions[i] - mean) * (fractions[i] - mean);
            }
            std = Math.sqrt(sum / n);
        }
        return (long) ((1 - std) * MAX_NODE_SCORE);
    }
}
