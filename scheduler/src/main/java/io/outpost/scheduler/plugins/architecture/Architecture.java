package io.outpost.scheduler.plugins.architecture;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.FilterPlugin;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.NodeSelectors;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PreFilterPlugin;
import io.outpost.scheduler.framework.Snapshot;
import io.outpost.scheduler.framework.Status;

/**
 * Keeps pods off nodes of another CPU architecture or OS in a mixed fleet (amd64, arm64, arm).
 * The image's platforms are not known to the scheduler, so the pod says what it runs on, with
 * {@code kubernetes.io/arch} / {@code kubernetes.io/os} (or their {@code beta.} forms) in its
 * nodeSelector or required node affinity; a pod that says nothing is not filtered.
 *
 * <p>The node's architecture is its {@code kubernetes.io/arch} label, else the beta label, else
 * what its agent reported in {@code status.nodeInfo.architecture} (likewise the OS), so that a
 * node whose labels were never set is still judged right, and the rejection names the cause
 * ("node(s) didn't match Pod's architecture") instead of a generic affinity mismatch.
 * Affinity terms are ORed as kube does: a node passes if any term's arch/os requirements hold.
 */
public final class Architecture implements PreFilterPlugin, FilterPlugin {

    public static final String NAME = "Architecture";
    static final String ARCH = "kubernetes.io/arch";
    static final String OS = "kubernetes.io/os";
    static final String WRONG_ARCH = "node(s) didn't match Pod's architecture";
    static final String WRONG_OS = "node(s) didn't match Pod's operating system";

    private static final CycleState.Key<Wanted> WANTED = new CycleState.Key<>(NAME, Wanted.class);

    /** From the nodeSelector (ANDed) and from each required affinity term (ORed). */
    record Wanted(Map<String, String> selector, List<List<NodeSelectorRequirement>> terms) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preFilter(CycleState state, PodInfo pod, Snapshot snapshot) {
        Map<String, String> selector = new java.util.HashMap<>();
        var nodeSelector = pod.pod().getSpec().getNodeSelector();
        if (nodeSelector != null) {
            nodeSelector.forEach((k, v) -> {
                String key = canonical(k);
                if (key != null) {
                    selector.put(key, v);
                }
            });
        }
        List<List<NodeSelectorRequirement>> terms = new ArrayList<>();
        var required = NodeSelectors.requiredAffinity(pod.pod());
        boolean anyInTerms = false;
        if (required != null && required.getNodeSelectorTerms() != null) {
            for (NodeSelectorTerm term : required.getNodeSelectorTerms()) {
                List<NodeSelectorRequirement> ours = new ArrayList<>();
                if (term.getMatchExpressions() != null) {
                    for (NodeSelectorRequirement r : term.getMatchExpressions()) {
                        String key = canonical(r.getKey());
                        if (key != null) {
                            ours.add(new NodeSelectorRequirement(key, r.getOperator(), r.getValues()));
                        }
                    }
                }
                anyInTerms |= !ours.isEmpty();
                terms.add(ours);
            }
        }
        if (selector.isEmpty() && !anyInTerms) {
            return Status.SKIP;
        }
        state.put(WANTED, new Wanted(selector, anyInTerms ? terms : List.of()));
        return Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        Wanted wanted = state.get(WANTED);
        Map<String, String> platform = platform(node);
        for (var e : wanted.selector().entrySet()) {
            if (!e.getValue().equals(platform.get(e.getKey()))) {
                return Status.unresolvable(e.getKey().equals(ARCH) ? WRONG_ARCH : WRONG_OS);
            }
        }
        if (wanted.terms().isEmpty()) {
            return Status.SUCCESS;
        }
        String reason = WRONG_ARCH;
        for (List<NodeSelectorRequirement> term : wanted.terms()) {
            NodeSelectorRequirement failed = null;
            for (NodeSelectorRequirement r : term) {
                if (!NodeSelectors.requirementMatches(r, platform)) {
                    failed = r;
                    break;
                }
            }
            if (failed == null) {
                return Status.SUCCESS;
            }
            reason = failed.getKey().equals(ARCH) ? WRONG_ARCH : WRONG_OS;
        }
        return Status.unresolvable(reason);
    }

    private static String canonical(String key) {
        return switch (key) {
            case ARCH, "beta.kubernetes.io/arch" -> ARCH;
            case OS, "beta.kubernetes.io/os" -> OS;
            default -> null;
        };
    }

    private static Map<String, String> platform(NodeInfo node) {
        Map<String, String> labels = node.labels();
        var info = node.node().getStatus() == null ? null : node.node().getStatus().getNodeInfo();
        String arch = first(labels.get(ARCH), labels.get("beta.kubernetes.io/arch"),
                info == null ? null : info.getArchitecture());
        String os = first(labels.get(OS), labels.get("beta.kubernetes.io/os"),
                info == null ? null : info.getOperatingSystem());
        Map<String, String> platform = new java.util.HashMap<>(2);
        if (arch != null) {
            platform.put(ARCH, arch);
        }
        if (os != null) {
            platform.put(OS, os);
        }
        return platform;
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }
}
