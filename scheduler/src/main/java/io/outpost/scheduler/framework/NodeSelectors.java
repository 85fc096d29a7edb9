package io.outpost.scheduler.framework;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Whether a node satisfies a pod's {@code nodeSelector} and required node affinity, as kube's
 * {@code nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)}: the nodeSelector's labels all
 * match AND at least one of the required terms matches (a term's requirements are ANDed; an
 * empty term matches nothing). Operators In, NotIn, Exists, DoesNotExist, Gt, Lt; matchFields
 * supports {@code metadata.name}.
 */
public final class NodeSelectors {

    private NodeSelectors() {
    }

    public static boolean podMatchesNode(Pod pod, Node node, Map<String, String> nodeLabels) {
        var spec = pod.getSpec();
        if (spec == null) {
            return true;
        }
        if (spec.getNodeSelector() != null) {
            for (var e : spec.getNodeSelector().entrySet()) {
                if (!e.getValue().equals(nodeLabels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        NodeSelector required = requiredAffinity(pod);
        return required == null || termsMatch(required.getNodeSelectorTerms(), node, nodeLabels);
    }

    public static NodeSelector requiredAffinity(Pod pod) {
        var affinity = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
        return affinity == null || affinity.getNodeAffinity() == null ? null
                : affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
    }

    public static boolean termsMatch(List<NodeSelectorTerm> terms, Node node, Map<String, String> nodeLabels) {
        for (NodeSelectorTerm term : Resources.nullToEmpty(terms)) {
            if (termMatches(term, node, nodeLabels)) {
                return true;
            }
        }
        return false;
    }

    public static boolean termMatches(NodeSelectorTerm term, Node node, Map<String, String> nodeLabels) {
        var expressions = Resources.nullToEmpty(term.getMatchExpressions());
        var fields = Resources.nullToEmpty(term.getMatchFields());
        if (expressions.isEmpty() && fields.isEmpty()) {
            return false;
        }
        for (NodeSelectorRequirement r : expressions) {
            if (!requirementMatches(r, nodeLabels)) {
                return false;
            }
        }
        for (NodeSelectorRequirement r : fields) {
            Map<String, String> nodeFields = Map.of("metadata.name", node.getMetadata().getName());
            if (!r.getKey().equals("metadata.name") || !requirementMatches(r, nodeFields)) {
                return false;
            }
        }
        return true;
    }

    public static boolean requirementMatches(NodeSelectorRequirement r, Map<String, String> labels) {
        String op = r.getOperator();
        if (op.equals("Gt") || op.equals("Lt")) {
            String value = labels.get(r.getKey());
            if (value == null || r.getValues() == null || r.getValues().size() != 1) {
                return false;
            }
            try {
                long have = Long.parseLong(value);
                long want = Long.parseLong(r.getValues().get(0));
                return op.equals("Gt") ? have > want : have < want;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return LabelSelectors.matches(r.getKey(), op, r.getValues(), labels);
    }
}
