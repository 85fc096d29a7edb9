package io.outpost.scheduler.plugins.podtopologyspread;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.FilterPlugin;
import io.outpost.scheduler.framework.LabelSelectors;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.NodeSelectors;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PreFilterPlugin;
import io.outpost.scheduler.framework.PreScorePlugin;
import io.outpost.scheduler.framework.ScorePlugin;
import io.outpost.scheduler.framework.Snapshot;
import io.outpost.scheduler.framework.Status;

/**
 * The pod's {@code topologySpreadConstraints} (kube's PodTopologySpread). For each constraint,
 * the pods in the pod's namespace matching its selector (plus {@code matchLabelKeys}) are counted
 * per topology domain (the node label {@code topologyKey}), over the nodes that match the pod's
 * node affinity ({@code nodeAffinityPolicy} Honor, the default; Ignore counts every node) and
 * carry every constraint's key. DoNotSchedule: a node whose domain would then exceed the least
 * populated domain by more than {@code maxSkew} is filtered ({@code minDomains}: with fewer
 * domains than that, the minimum counts as 0). ScheduleAnyway: nodes score higher the fewer
 * matching pods their domains hold.
 *
 * <p>Counts are kept across cycles and updated from the cache's change log (see {@code tallies}).
 * Thread model: one instance per profile, called on the scheduling thread only.
 *
 * <p>Not done: kube's system default constraints for pods of Services and ReplicaSets, and
 * {@code nodeTaintsPolicy: Honor} (taints are ignored when counting, kube's default).
 */
public final class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {

    public static final String NAME = "PodTopologySpread";
    static final String REASON = "node(s) didn't match pod topology spread constraints";
    static final String MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";

    private static final CycleState.Key<Counts> HARD = new CycleState.Key<>(NAME + "/filter", Counts.class);
    private static final CycleState.Key<Counts> SOFT = new CycleState.Key<>(NAME + "/score", Counts.class);

    /** One constraint, its effective selector, and the matching pods per domain. */
    record Constraint(String key, int maxSkew, LabelSelector selector, boolean selfMatch, Map<String, Integer> counts,
            int minDomains, int minMatch) {
        /** The least populated domain's count; 0 with fewer domains than minDomains. Computed once per pod. */
        Constraint withMinMatch() {
            int min = Integer.MAX_VALUE;
            for (int c : counts.values()) {
                min = Math.min(min, c);
            }
            int minMatch = counts.size() < minDomains || min == Integer.MAX_VALUE ? 0 : min;
            return new Constraint(key, maxSkew, selector, selfMatch, counts, minDomains, minMatch);
        }
    }

    record Counts(List<Constraint> constraints) {
    }

    /**
     * Per constraint (namespace, selector, topology keys): the matching pods per domain over every
     * node, and each node's share, kept across cycles and brought up to date from the cache's
     * change log ({@link Snapshot#changedSince}): a cycle then touches only the nodes that changed
     * since the last pod, not all of them. Used when node affinity does not decide which nodes
     * count (the pod has no nodeSelector or required affinity, or the policy is Ignore); otherwise
     * every node is visited, as kube does. The 64 constraints used last are kept.
     */
    private final Map<String, Tally> tallies = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Tally> eldest) {
            return size() > 64;
        }
    };

    /** A node's share: its domain (null when it lacks a key) and its matching pods. */
    private record Share(String domain, int pods) {
    }

    /** Matching pods and counted nodes per domain, and each node's share, as of {@code seq}. */
    private static final class Tally {
        Snapshot source;
        long seq;
        final Map<String, int[]> domains = new HashMap<>(); // domain -> {pods, nodes}
        final java.util.IdentityHashMap<NodeInfo, Share> shares = new java.util.IdentityHashMap<>();

        void apply(NodeInfo node, Share now) {
            Share before = now == null ? shares.remove(node) : shares.put(node, now);
            if (before != null && before.domain() != null) {
                int[] d = domains.get(before.domain());
                d[0] -= before.pods();
                if (--d[1] == 0) {
                    domains.remove(before.domain());
                }
            }
            if (now != null && now.domain() != null) {
                int[] d = domains.computeIfAbsent(now.domain(), k -> new int[2]);
                d[0] += now.pods();
                d[1]++;
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preFilter(CycleState state, PodInfo pod, Snapshot snapshot) {
        List<TopologySpreadConstraint> hard = constraints(pod, "DoNotSchedule");
        if (hard.isEmpty()) {
            return Status.SKIP;
        }
        state.put(HARD, count(pod, hard, snapshot));
        return Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        for (Constraint c : state.get(HARD).constraints()) {
            String domain = node.labels().get(c.key());
            if (domain == null) {
                return Status.unresolvable(MISSING_LABEL);
            }
            int skew = c.counts().getOrDefault(domain, 0) + (c.selfMatch() ? 1 : 0) - c.minMatch();
            if (skew > c.maxSkew()) {
                return Status.unschedulable(REASON);
            }
        }
        return Status.SUCCESS;
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, Snapshot snapshot) {
        List<TopologySpreadConstraint> soft = constraints(pod, "ScheduleAnyway");
        if (soft.isEmpty()) {
            return Status.SKIP;
        }
        state.put(SOFT, count(pod, soft, snapshot));
        return Status.SUCCESS;
    }

    /** Raw score: matching pods in the node's domains, weighted by log(domains + 2) as kube does; lower is better. */
    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        double score = 0;
        for (Constraint c : state.get(SOFT).constraints()) {
            String domain = node.labels().get(c.key());
            if (domain == null) {
                return -1;
            }
            score += c.counts().getOrDefault(domain, 0) * Math.log(c.counts().size() + 2) + (c.maxSkew() - 1);
        }
        return Math.round(score);
    }

    /** Kube's NormalizeScore: fewest matching pods scores 100; a node missing a key scores 0. */
    @Override
    public void normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (long s : scores) {
            if (s >= 0) {
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
        }
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] < 0) {
                scores[i] = 0;
            } else {
                scores[i] = max == 0 ? MAX_NODE_SCORE : MAX_NODE_SCORE * (max + min - scores[i]) / max;
            }
        }
    }

    private static List<TopologySpreadConstraint> constraints(PodInfo pod, String when) {
        var all = pod.pod().getSpec().getTopologySpreadConstraints();
        if (all == null || all.isEmpty()) {
            return List.of();
        }
        return all.stream().filter(c -> when.equals(c.getWhenUnsatisfiable())).toList();
    }

    private Counts count(PodInfo pod, List<TopologySpreadConstraint> specs, Snapshot snapshot) {
        int k = specs.size();
        String[] keys = new String[k];
        for (int i = 0; i < k; i++) {
            keys[i] = specs.get(i).getTopologyKey();
        }
        var nodeSelector = pod.pod().getSpec().getNodeSelector(); // fabric8 makes it empty, not null
        boolean podHasNodeConstraints = nodeSelector != null && !nodeSelector.isEmpty()
                || NodeSelectors.requiredAffinity(pod.pod()) != null;
        List<Constraint> counted = new ArrayList<>(k);
        for (TopologySpreadConstraint spec : specs) {
            LabelSelector selector = withMatchLabelKeys(spec, pod);
            boolean honorAffinity = !"Ignore".equals(spec.getNodeAffinityPolicy());
            Map<String, Integer> counts = new HashMap<>();
            Matcher matcher = Matcher.of(selector);
            if (honorAffinity && podHasNodeConstraints) {
                countAll(pod, keys, spec.getTopologyKey(), matcher, snapshot.nodes(), counts);
            } else {
                String tallyKey = pod.namespace() + "|" + String.join(",", keys) + "|" + spec.getTopologyKey() + "|"
                        + selector;
                Tally tally = tallies.get(tallyKey);
                List<NodeInfo> changed = tally == null || tally.source != snapshot ? null
                        : snapshot.changedSince(tally.seq);
                if (changed == null) {
                    tally = new Tally();
                    tally.source = snapshot;
                    tallies.put(tallyKey, tally);
                    changed = snapshot.nodes();
                }
                for (NodeInfo node : changed) {
                    tally.apply(node, node.node() == null ? null : share(pod, keys, spec.getTopologyKey(), matcher, node));
                }
                tally.seq = snapshot.changeSeq();
                tally.domains.forEach((domain, d) -> counts.put(domain, d[0]));
            }
            counted.add(new Constraint(spec.getTopologyKey(), spec.getMaxSkew() == null ? 1 : spec.getMaxSkew(),
                    selector, LabelSelectors.matches(selector, pod.labels()), counts,
                    spec.getMinDomains() == null ? 1 : spec.getMinDomains(), 0).withMinMatch());
        }
        return new Counts(counted);
    }

    /** Every node that has all the keys and matches the pod's node affinity counts. */
    private static void countAll(PodInfo pod, String[] keys, String key, Matcher matcher, List<NodeInfo> nodes,
            Map<String, Integer> counts) {
        for (NodeInfo node : nodes) {
            if (NodeSelectors.podMatchesNode(pod.pod(), node.node(), node.labels())) {
                Share share = share(pod, keys, key, matcher, node);
                if (share.domain() != null) {
                    counts.merge(share.domain(), share.pods(), Integer::sum);
                }
            }
        }
    }

    private static Share share(PodInfo pod, String[] keys, String key, Matcher matcher, NodeInfo node) {
        Map<String, String> labels = node.labels();
        for (String k : keys) {
            if (!labels.containsKey(k)) {
                return new Share(null, 0);
            }
        }
        String namespace = pod.namespace();
        int n = 0;
        List<PodInfo> pods = node.pods();
        for (int j = 0, size = pods.size(); j < size; j++) {
            PodInfo other = pods.get(j);
            if (namespace.equals(other.namespace()) && matcher.matches(other.labels())
                    && other.pod().getMetadata().getDeletionTimestamp() == null) {
                n++;
            }
        }
        return new Share(labels.get(key), n);
    }

    /** A selector compiled for the counting loop: plain matchLabels as arrays, else the general match. */
    private record Matcher(LabelSelector selector, String[] keys, String[] values) {
        static Matcher of(LabelSelector selector) {
            if (selector != null && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty())) {
                Map<String, String> m = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
                String[] keys = new String[m.size()];
                String[] values = new String[m.size()];
                int i = 0;
                for (var e : m.entrySet()) {
                    keys[i] = e.getKey();
                    values[i++] = e.getValue();
                }
                return new Matcher(selector, keys, values);
            }
            return new Matcher(selector, null, null);
        }

        boolean matches(Map<String, String> labels) {
            if (keys == null) {
                return LabelSelectors.matches(selector, labels);
            }
            for (int i = 0; i < keys.length; i++) {
                if (!values[i].equals(labels.get(keys[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code matchLabelKeys}: the pod's own values of those labels are ANDed into the selector. */
    private static LabelSelector withMatchLabelKeys(TopologySpreadConstraint spec, PodInfo pod) {
        LabelSelector selector = spec.getLabelSelector();
        if (spec.getMatchLabelKeys() == null || spec.getMatchLabelKeys().isEmpty() || selector == null) {
            return selector;
        }
        LabelSelectorBuilder b = new LabelSelectorBuilder(selector);
        for (String key : spec.getMatchLabelKeys()) {
            String value = pod.labels().get(key);
            if (value != null) {
                b.addNewMatchExpression().withKey(key).withOperator("In").withValues(value).endMatchExpression();
            }
        }
        return b.build();
    }
}
