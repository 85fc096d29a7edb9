package io.outpost.scheduler.framework;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scheduling profile's plugins, in the order each extension point runs them (kube's
 * {@code frameworkImpl}), with the score weights. Built by the scheduler from the configuration.
 *
 * <p>Thread model: immutable after construction; the run methods are called by the scheduling
 * thread, except {@link #runBind} and {@link #runUnreserve}, called by a binding thread.
 */
public final class Framework {

    /** A score plugin and its weight in this profile. */
    public record WeightedScore(ScorePlugin plugin, int weight) {
    }

    /** The plugins of a profile, extension point by extension point. */
    public record Plugins(List<PreFilterPlugin> preFilter, List<FilterPlugin> filter,
            List<PostFilterPlugin> postFilter, List<PreScorePlugin> preScore, List<WeightedScore> score,
            List<ReservePlugin> reserve, List<BindPlugin> bind) {
        public Plugins {
            preFilter = List.copyOf(preFilter);
            filter = List.copyOf(filter);
            postFilter = List.copyOf(postFilter);
            preScore = List.copyOf(preScore);
            score = List.copyOf(score);
            reserve = List.copyOf(reserve);
            bind = List.copyOf(bind);
        }
    }

    /**
     * The profile running this cycle, for PostFilter plugins that run the filters again on a
     * node as it would be (preemption; kube hands plugins a {@code framework.Handle} for this).
     */
    public static final CycleState.Key<Framework> PROFILE = new CycleState.Key<>("framework/profile", Framework.class);

    private static final CycleState.Key<SkippedPlugins> SKIPPED = new CycleState.Key<>("framework/skipped",
            SkippedPlugins.class);

    /** The filters this cycle runs (those whose PreFilter did not skip), and the skipped scores. */
    private record SkippedPlugins(List<FilterPlugin> filters, Set<String> score) {
    }

    private final String schedulerName;
    private final Plugins plugins;
    private final int percentageOfNodesToScore;

    /**
     * @param percentageOfNodesToScore 1..100 to stop filtering after that share of the nodes
     *        fits, 0 for kube's adaptive default (50% minus 1% per 125 nodes, at least 5%)
     */
    public Framework(String schedulerName, Plugins plugins, int percentageOfNodesToScore) {
        this.schedulerName = schedulerName;
        this.plugins = plugins;
        this.percentageOfNodesToScore = percentageOfNodesToScore;
    }

    public String schedulerName() {
        return schedulerName;
    }

    public Plugins plugins() {
        return plugins;
    }

    /**
     * How many feasible nodes to find before scoring (kube's {@code numFeasibleNodesToFind}):
     * every node up to 100, otherwise a percentage of them, at least 100.
     */
    public int feasibleNodesToFind(int allNodes) {
        if (allNodes < 100 || percentageOfNodesToScore >= 100) {
            return allNodes;
        }
        int percentage = percentageOfNodesToScore;
        if (percentage == 0) {
            percentage = Math.max(5, 50 - allNodes / 125);
        }
        return Math.max(100, allNodes * percentage / 100);
    }

    /** The first rejection or error of a PreFilter plugin, or success. */
    public Status runPreFilter(CycleState state, PodInfo pod, Snapshot snapshot) {
        Set<String> skippedFilters = new HashSet<>();
        state.put(SKIPPED, new SkippedPlugins(plugins.filter, new HashSet<>()));
        for (PreFilterPlugin p : plugins.preFilter) {
            Status s = p.preFilter(state, pod, snapshot);
            if (s.code() == Code.SKIP) {
                skippedFilters.add(p.name());
            } else if (!s.isSuccess()) {
                return s.withPlugin(p.name());
            }
        }
        if (!skippedFilters.isEmpty()) {
            // Decided once per pod, not per node: the filter loop is the scheduler's hot path.
            state.put(SKIPPED, new SkippedPlugins(
                    plugins.filter.stream().filter(f -> !skippedFilters.contains(f.name())).toList(),
                    new HashSet<>()));
        }
        return Status.SUCCESS;
    }

    /** The first filter plugin that rejects the node decides (kube does not run the rest). */
    public Status runFilter(CycleState state, PodInfo pod, NodeInfo node) {
        List<FilterPlugin> filters = state.get(SKIPPED).filters;
        for (int i = 0; i < filters.size(); i++) {
            FilterPlugin p = filters.get(i);
            Status s = p.filter(state, pod, node);
            if (!s.isSuccess()) {
                return s.withPlugin(p.name());
            }
        }
        return Status.SUCCESS;
    }

    /** The first PostFilter plugin that does not answer UNSCHEDULABLE decides. */
    public PostFilterPlugin.Result runPostFilter(CycleState state, PodInfo pod, Snapshot snapshot,
            Map<String, Status> nodeStatuses) {
        state.put(PROFILE, this);
        PostFilterPlugin.Result last = new PostFilterPlugin.Result(Status.unschedulable(), null);
        for (PostFilterPlugin p : plugins.postFilter) {
            PostFilterPlugin.Result r = p.postFilter(state, pod, snapshot, nodeStatuses);
            last = new PostFilterPlugin.Result(r.status().withPlugin(p.name()), r.nominatedNode());
            if (r.status().isSuccess() || r.status().code() == Code.ERROR) {
                return last;
            }
        }
        return last;
    }

    /**
     * Runs PreScore and Score over the feasible nodes and returns each node's weighted sum.
     * An ERROR status from a plugin is returned in {@code error[0]}.
     */
    public long[] runScore(CycleState state, PodInfo pod, List<NodeInfo> feasible, Snapshot snapshot,
            Status[] error) {
        Set<String> skipped = state.get(SKIPPED).score;
        for (PreScorePlugin p : plugins.preScore) {
            Status s = p.preScore(state, pod, feasible, snapshot);
            if (s.code() == Code.SKIP) {
                skipped.add(p.name());
            } else if (!s.isSuccess()) {
                error[0] = s.withPlugin(p.name());
                return new long[feasible.size()];
            }
        }
        long[] total = new long[feasible.size()];
        long[] scores = new long[feasible.size()];
        for (WeightedScore ws : plugins.score) {
            ScorePlugin p = ws.plugin();
            if (skipped.contains(p.name())) {
                continue;
            }
            for (int i = 0; i < scores.length; i++) {
                scores[i] = p.score(state, pod, feasible.get(i));
            }
            p.normalize(state, pod, feasible, scores);
            for (int i = 0; i < scores.length; i++) {
                total[i] += Math.clamp(scores[i], 0, ScorePlugin.MAX_NODE_SCORE) * ws.weight();
            }
        }
        return total;
    }

    /** Reserves in order; on a failure, the ones that reserved are unreserved (in reverse). */
    public Status runReserve(CycleState state, PodInfo pod, String nodeName) {
        for (int i = 0; i < plugins.reserve.size(); i++) {
            ReservePlugin p = plugins.reserve.get(i);
            Status s = p.reserve(state, pod, nodeName);
            if (!s.isSuccess()) {
                for (int j = i; j >= 0; j--) {
                    plugins.reserve.get(j).unreserve(state, pod, nodeName);
                }
                return s.withPlugin(p.name());
            }
        }
        return Status.SUCCESS;
    }

    public void runUnreserve(CycleState state, PodInfo pod, String nodeName) {
        for (int j = plugins.reserve.size() - 1; j >= 0; j--) {
            plugins.reserve.get(j).unreserve(state, pod, nodeName);
        }
    }

    public Status runBind(CycleState state, PodInfo pod, String nodeName) {
        for (BindPlugin p : plugins.bind) {
            Status s = p.bind(state, pod, nodeName);
            if (s.code() != Code.SKIP) {
                return s.withPlugin(p.name());
            }
        }
        return Status.error("no bind plugin bound pod " + pod.key());
    }
}
