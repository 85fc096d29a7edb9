package io.outpost.scheduler.plugins.noderesources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.FilterPlugin;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PluginContext;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.Resources;
import io.outpost.scheduler.framework.ScorePlugin;
import io.outpost.scheduler.framework.Status;
import tools.jackson.databind.JsonNode;

/**
 * The pod's requests must fit in what the node has left (allocatable minus the requests of the
 * pods on it), resource by resource, and the node's pod count must allow one more: each shortfall
 * is its own reason ("Insufficient cpu", "Too many pods"), as kube's NodeResourcesFit words them.
 *
 * <p>Scoring follows the configured strategy (args {@code scoringStrategy.type}):
 * {@code LeastAllocated} (the default: spread, prefer the emptiest node) or {@code MostAllocated}
 * (pack, keep whole nodes free), over {@code scoringStrategy.resources} (default cpu and memory,
 * weight 1 each). A container without requests counts kube's non-zero defaults when scoring.
 */
public final class NodeResourcesFit implements FilterPlugin, ScorePlugin {

    public static final String NAME = "NodeResourcesFit";

    public enum Strategy { LEAST_ALLOCATED, MOST_ALLOCATED }

    private final Strategy strategy;
    private final Map<String, Integer> weights;

    public NodeResourcesFit(Strategy strategy, Map<String, Integer> weights) {
        this.strategy = strategy;
        this.weights = Map.copyOf(weights);
    }

    /** From {@code pluginConfig} args: {@code {scoringStrategy: {type, resources: [{name, weight}]}}}. */
    public static NodeResourcesFit create(PluginContext context) {
        JsonNode strategyArgs = context.args().path("scoringStrategy");
        String type = strategyArgs.path("type").asString("LeastAllocated");
        Strategy strategy = switch (type) {
            case "LeastAllocated" -> Strategy.LEAST_ALLOCATED;
            case "MostAllocated" -> Strategy.MOST_ALLOCATED;
            default -> throw new IllegalArgumentException("scoringStrategy.type: Unsupported value: \"" + type
                    + "\": supported values: \"LeastAllocated\", \"MostAllocated\"");
        };
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (JsonNode r : strategyArgs.path("resources")) {
            String name = r.path("name").asString("");
            int weight = r.path("weight").asInt(1);
            if (name.isEmpty() || weight < 1 || weight > 100) {
                throw new IllegalArgumentException(
                        "scoringStrategy.resources: each needs a name and a weight in 1..100, got " + r);
            }
            weights.put(name, weight);
        }
        if (weights.isEmpty()) {
            weights.put(Resources.CPU, 1);
            weights.put(Resources.MEMORY, 1);
        }
        return new NodeResourcesFit(strategy, weights);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        Resources want = pod.requests();
        Resources used = node.requested();
        Resources has = node.allocatable();
        List<String> reasons = null;
        if (node.pods().size() + 1 > has.pods) {
            reasons = new ArrayList<>(2);
            reasons.add("Too many pods");
        }
        if (want.milliCpu > 0 && want.milliCpu > has.milliCpu - used.milliCpu) {
            reasons = add(reasons, "Insufficient cpu");
        }
        if (want.memory > 0 && want.memory > has.memory - used.memory) {
            reasons = add(reasons, "Insufficient memory");
        }
        if (want.ephemeralStorage > 0 && want.ephemeralStorage > has.ephemeralStorage - used.ephemeralStorage) {
            reasons = add(reasons, "Insufficient ephemeral-storage");
        }
        for (var e : want.scalar.entrySet()) {
            if (e.getValue() > 0 && e.getValue() > has.get(e.getKey()) - used.get(e.getKey())) {
                reasons = add(reasons, "Insufficient " + e.getKey());
            }
        }
        return reasons == null ? Status.SUCCESS : Status.unschedulable(reasons.toArray(String[]::new));
    }

    private static List<String> add(List<String> reasons, String reason) {
        List<String> list = reasons == null ? new ArrayList<>(2) : reasons;
        list.add(reason);
        return list;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long sum = 0;
        long weightSum = 0;
        for (var e : weights.entrySet()) {
            String resource = e.getKey();
            long capacity = node.allocatable().get(resource);
            if (capacity == 0) {
                continue;
            }
            boolean nonZero = resource.equals(Resources.CPU) || resource.equals(Resources.MEMORY);
            long requested = (nonZero ? node.nonZeroRequested() : node.requested()).get(resource)
                    + (nonZero ? pod.nonZeroRequests() : pod.requests()).get(resource);
            sum += resourceScore(requested, capacity) * e.getValue();
            weightSum += e.getValue();
        }
        return weightSum == 0 ? 0 : sum / weightSum;
    }

    /** Kube's leastRequestedScore and mostRequestedScore. */
    private long resourceScore(long requested, long capacity) {
        if (strategy == Strategy.LEAST_ALLOCATED) {
            return requested > capacity ? 0 : (capacity - requested) * MAX_NODE_SCORE / capacity;
        }
        // Pods without requests count the non-zero defaults, so requested may exceed capacity.
        return Math.min(requested, capacity) * MAX_NODE_SCORE / capacity;
    }
}
