package io.outpost.scheduler.plugins.interpodaffinity;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.FilterPlugin;
import io.outpost.scheduler.framework.LabelSelectors;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PreFilterPlugin;
import io.outpost.scheduler.framework.PreScorePlugin;
import io.outpost.scheduler.framework.ScorePlugin;
import io.outpost.scheduler.framework.Snapshot;
import io.outpost.scheduler.framework.Status;

/**
 * Pod affinity and anti-affinity (kube's InterPodAffinity). Filter, in kube's order: the required
 * anti-affinity of pods already placed must not match the new pod in the node's domain; every
 * required affinity term of the pod must find a matching pod in the node's domain (or, for the
 * first pod of a group that matches its own terms, nowhere at all); no required anti-affinity term
 * of the pod may find one. Score: the preferred terms of the pod, and of placed pods towards it,
 * add or subtract their weight in each domain; min-max scaled to 0..100.
 *
 * <p>A term's namespaces are its {@code namespaces}, else the pod's own; an empty
 * {@code namespaceSelector} means all namespaces. A non-empty namespaceSelector needs namespace
 * labels, which the scheduler cache does not hold yet: such a term counts only its listed
 * namespaces.
 */
public final class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {

    public static final String NAME = "InterPodAffinity";
    static final String AFFINITY = "node(s) didn't match pod affinity rules";
    static final String ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
    static final String EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

    private static final CycleState.Key<Required> REQUIRED = new CycleState.Key<>(NAME + "/filter", Required.class);
    private static final CycleState.Key<Preferred> PREFERRED = new CycleState.Key<>(NAME + "/score", Preferred.class);

    /** Counts per topology pair "key=value". */
    record Required(Map<String, Integer> existingAnti, Map<String, Integer> affinity, Map<String, Integer> anti,
            List<PodAffinityTerm> affinityTerms, List<PodAffinityTerm> antiTerms, boolean selfMatchesAll) {
    }

    record Preferred(Map<String, Long> scores) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preFilter(CycleState state, PodInfo pod, Snapshot snapshot) {
        var affinity = pod.pod().getSpec().getAffinity();
        List<PodAffinityTerm> affinityTerms = affinity == null || affinity.getPodAffinity() == null ? List.of()
                : nonNull(affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
        List<PodAffinityTerm> antiTerms = affinity == null || affinity.getPodAntiAffinity() == null ? List.of()
                : nonNull(affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution());
        Map<String, Integer> existingAnti = new HashMap<>();
        for (NodeInfo node : snapshot.nodesWithAffinityPods()) {
            for (PodInfo other : node.podsWithAffinity()) {
                if (!other.hasRequiredAntiAffinity()) {
                    continue;
                }
                for (PodAffinityTerm t : other.pod().getSpec().getAffinity().getPodAntiAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()) {
                    String value = node.labels().get(t.getTopologyKey());
                    if (value != null && termMatches(t, other, pod)) {
                        existingAnti.merge(t.getTopologyKey() + "=" + value, 1, Integer::sum);
                    }
                }
            }
        }
        Map<String, Integer> affinityCounts = new HashMap<>();
        Map<String, Integer> antiCounts = new HashMap<>();
        if (!affinityTerms.isEmpty() || !antiTerms.isEmpty()) {
            for (NodeInfo node : snapshot.nodes()) {
                for (PodInfo other : node.pods()) {
                    countMatches(affinityTerms, pod, other, node, affinityCounts);
                    countMatches(antiTerms, pod, other, node, antiCounts);
                }
            }
        }
        if (existingAnti.isEmpty() && affinityTerms.isEmpty() && antiTerms.isEmpty()) {
            return Status.SKIP;
        }
        boolean selfMatchesAll = affinityTerms.stream().allMatch(t -> termMatches(t, pod, pod));
        state.put(REQUIRED, new Required(existingAnti, affinityCounts, antiCounts, affinityTerms, antiTerms,
                selfMatchesAll));
        return Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        Required r = state.get(REQUIRED);
        for (var e : r.existingAnti().entrySet()) {
            int eq = e.getKey().indexOf('=');
            if (e.getKey().substring(eq + 1).equals(node.labels().get(e.getKey().substring(0, eq)))) {
                return Status.unschedulable(EXISTING_ANTI_AFFINITY);
            }
        }
        if (!r.affinityTerms().isEmpty()) {
            boolean all = true;
            for (PodAffinityTerm t : r.affinityTerms()) {
                String value = node.labels().get(t.getTopologyKey());
                if (value == null || r.affinity().getOrDefault(t.getTopologyKey() + "=" + value, 0) == 0) {
                    all = false;
                    break;
                }
            }
            // The first pod of a group whose terms match itself may go anywhere with the keys.
            boolean first = r.affinity().isEmpty() && r.selfMatchesAll() && r.affinityTerms().stream()
                    .allMatch(t -> node.labels().containsKey(t.getTopologyKey()));
            if (!all && !first) {
                return Status.unresolvable(AFFINITY);
            }
        }
        for (PodAffinityTerm t : r.antiTerms()) {
            String value = node.labels().get(t.getTopologyKey());
            if (value != null && r.anti().getOrDefault(t.getTopologyKey() + "=" + value, 0) > 0) {
                return Status.unschedulable(ANTI_AFFINITY);
            }
        }
        return Status.SUCCESS;
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, Snapshot snapshot) {
        var affinity = pod.pod().getSpec().getAffinity();
        List<WeightedPodAffinityTerm> prefer = affinity == null || affinity.getPodAffinity() == null ? List.of()
                : nonNull(affinity.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
        List<WeightedPodAffinityTerm> avoid = affinity == null || affinity.getPodAntiAffinity() == null ? List.of()
                : nonNull(affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution());
        Map<String, Long> scores = new HashMap<>();
        boolean own = !prefer.isEmpty() || !avoid.isEmpty();
        for (NodeInfo node : own ? snapshot.nodes() : snapshot.nodesWithAffinityPods()) {
            for (PodInfo other : own ? node.pods() : node.podsWithAffinity()) {
                addWeights(prefer, pod, other, node, 1, scores);
                addWeights(avoid, pod, other, node, -1, scores);
                // Placed pods' preferences towards the new pod count too (symmetry, as kube).
                var oa = other.pod().getSpec().getAffinity();
                if (oa != null && oa.getPodAffinity() != null) {
                    addWeights(nonNull(oa.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()),
                            other, pod, node, 1, scores);
                }
                if (oa != null && oa.getPodAntiAffinity() != null) {
                    addWeights(nonNull(oa.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()),
                            other, pod, node, -1, scores);
                }
            }
        }
        if (scores.isEmpty()) {
            return Status.SKIP;
        }
        state.put(PREFERRED, new Preferred(scores));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        long sum = 0;
        for (var e : state.get(PREFERRED).scores().entrySet()) {
            int eq = e.getKey().indexOf('=');
            if (e.getKey().substring(eq + 1).equals(node.labels().get(e.getKey().substring(0, eq)))) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long s : scores) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] = max == min ? 0 : MAX_NODE_SCORE * (scores[i] - min) / (max - min);
        }
    }

    /** Whether {@code target} is in the term's namespaces and matches its selector; {@code owner} holds the term. */
    static boolean termMatches(PodAffinityTerm term, PodInfo owner, PodInfo target) {
        List<String> namespaces = term.getNamespaces();
        boolean allNamespaces = term.getNamespaceSelector() != null
                && term.getNamespaceSelector().getMatchLabels() == null
                && (term.getNamespaceSelector().getMatchExpressions() == null
                        || term.getNamespaceSelector().getMatchExpressions().isEmpty());
        if (!allNamespaces) {
            boolean listed = namespaces != null && !namespaces.isEmpty();
            if (listed ? !namespaces.contains(target.namespace())
                    : term.getNamespaceSelector() != null || !owner.namespace().equals(target.namespace())) {
                return false;
            }
        }
        return LabelSelectors.matches(term.getLabelSelector(), target.labels());
    }

    private static void countMatches(List<PodAffinityTerm> terms, PodInfo pod, PodInfo other, NodeInfo node,
            Map<String, Integer> counts) {
        for (PodAffinityTerm t : terms) {
            String value = node.labels().get(t.getTopologyKey());
            if (value != null && termMatches(t, pod, other)) {
                counts.merge(t.getTopologyKey() + "=" + value, 1, Integer::sum);
            }
        }
    }

    private static void addWeights(List<WeightedPodAffinityTerm> terms, PodInfo owner, PodInfo target, NodeInfo node,
            int sign, Map<String, Long> scores) {
        for (WeightedPodAffinityTerm w : terms) {
            PodAffinityTerm t = w.getPodAffinityTerm();
            String value = t == null ? null : node.labels().get(t.getTopologyKey());
            if (value != null && termMatches(t, owner, target)) {
                scores.merge(t.getTopologyKey() + "=" + value, (long) sign * w.getWeight(), Long::sum);
            }
        }
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
