package io.outpost.controllers.daemonset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;

/**
 * Which nodes a DaemonSet's pod belongs on (kube's {@code NodeShouldRunDaemonPod} and
 * {@code daemon/util}), pure so it is tested as tables:
 * <ul>
 *   <li>the template's {@code nodeName}, {@code nodeSelector} and required node affinity must fit
 *       the node, or the pod neither runs nor stays there;</li>
 *   <li>a NoSchedule or NoExecute taint the pod does not tolerate keeps a new pod off; a pod
 *       already there stays unless a NoExecute taint is untolerated;</li>
 *   <li>the tolerations are the template's plus the ones kube adds to every daemon pod
 *       ({@link #withDefaultTolerations}): a node that is not ready, unreachable, under pressure
 *       or cordoned still runs its daemons.</li>
 * </ul>
 */
final class Eligibility {

    /** What a node means for the daemon pod (kube's {@code shouldRun, shouldContinueRunning}). */
    record Placement(boolean shouldRun, boolean shouldContinueRunning) {
        static final Placement NONE = new Placement(false, false);
    }

    private Eligibility() {
    }

    static Placement of(Node node, DaemonSet ds) {
        PodSpec spec = ds.getSpec().getTemplate().getSpec();
        String name = node.getMetadata().getName();
        if (spec.getNodeName() != null && !spec.getNodeName().isEmpty() && !spec.getNodeName().equals(name)) {
            return Placement.NONE;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        if (!selectorFits(spec.getNodeSelector(), labels) || !affinityFits(spec.getAffinity(), name, labels)) {
            return Placement.NONE;
        }
        List<Toleration> tolerations = withDefaultTolerations(spec.getTolerations(), Boolean.TRUE.equals(spec.getHostNetwork()));
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        boolean untoleratedSchedule = false;
        boolean untoleratedExecute = false;
        for (Taint taint : taints) {
            if (tolerated(tolerations, taint)) {
                continue;
            }
            if ("NoExecute".equals(taint.getEffect())) {
                untoleratedExecute = true;
            } else if ("NoSchedule".equals(taint.getEffect())) {
                untoleratedSchedule = true;
            }
        }
        if (untoleratedExecute || untoleratedSchedule) {
            // Scheduled daemon pods keep running where only a NoSchedule taint is untolerated.
            return new Placement(false, !untoleratedExecute);
        }
        return new Placement(true, true);
    }

    static boolean selectorFits(Map<String, String> selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        return selector.entrySet().stream().allMatch(e -> Objects.equals(e.getValue(), labels.get(e.getKey())));
    }

    /** The required node affinity: any term matches (its requirements ANDed; an empty term matches nothing). */
    static boolean affinityFits(Affinity affinity, String nodeName, Map<String, String> labels) {
        NodeSelector required = affinity == null || affinity.getNodeAffinity() == null ? null
                : affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        if (required == null) {
            return true;
        }
        for (NodeSelectorTerm term : nullToEmpty(required.getNodeSelectorTerms())) {
            if (termFits(term, nodeName, labels)) {
                return true;
            }
        }
        return false;
    }

    private static boolean termFits(NodeSelectorTerm term, String nodeName, Map<String, String> labels) {
        List<NodeSelectorRequirement> expressions = nullToEmpty(term.getMatchExpressions());
        List<NodeSelectorRequirement> fields = nullToEmpty(term.getMatchFields());
        if (expressions.isEmpty() && fields.isEmpty()) {
            return false;
        }
        for (NodeSelectorRequirement r : expressions) {
            if (!requirementFits(r, labels)) {
                return false;
            }
        }
        for (NodeSelectorRequirement r : fields) {
            // metadata.name is the only field kube's node affinity selects on.
            if (!"metadata.name".equals(r.getKey()) || !requirementFits(r, Map.of("metadata.name", nodeName))) {
                return false;
            }
        }
        return true;
    }

    private static boolean requirementFits(NodeSelectorRequirement r, Map<String, String> labels) {
        List<String> values = nullToEmpty(r.getValues());
        String value = labels.get(r.getKey());
        return switch (r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt", "Lt" -> {
                if (value == null || values.size() != 1) {
                    yield false;
                }
                try {
                    long have = Long.parseLong(value);
                    long want = Long.parseLong(values.get(0));
                    yield r.getOperator().equals("Gt") ? have > want : have < want;
                } catch (NumberFormatException e) {
                    yield false;
                }
            }
            default -> false;
        };
    }

    /** kube's {@code ToleratesTaint}: effect (empty = all), key (empty with Exists = all), then the operator. */
    static boolean tolerated(List<Toleration> tolerations, Taint taint) {
        for (Toleration t : tolerations) {
            if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
                continue;
            }
            if (t.getKey() != null && !t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
                continue;
            }
            String op = t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator();
            if (op.equals("Exists") || (op.equals("Equal")
                    && Objects.equals(Objects.toString(t.getValue(), ""), Objects.toString(taint.getValue(), "")))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The template's tolerations plus kube's daemon defaults ({@code AddOrUpdateDaemonPodTolerations}):
     * not-ready and unreachable NoExecute (a daemon is not evicted from a node that goes silent:
     * on the edge, the usual case), disk, memory and pid pressure and unschedulable NoSchedule,
     * and network-unavailable NoSchedule for a host-network pod, which needs no pod network.
     */
    static List<Toleration> withDefaultTolerations(List<Toleration> template, boolean hostNetwork) {
        List<Toleration> out = new ArrayList<>(nullToEmpty(template));
        add(out, "node.kubernetes.io/not-ready", "NoExecute");
        add(out, "node.kubernetes.io/unreachable", "NoExecute");
        add(out, "node.kubernetes.io/disk-pressure", "NoSchedule");
        add(out, "node.kubernetes.io/memory-pressure", "NoSchedule");
        add(out, "node.kubernetes.io/pid-pressure", "NoSchedule");
        add(out, "node.kubernetes.io/unschedulable", "NoSchedule");
        if (hostNetwork) {
            add(out, "node.kubernetes.io/network-unavailable", "NoSchedule");
        }
        return out;
    }

    /**
     * kube's {@code AddOrUpdateTolerationInPodSpec}: a toleration of the same key, operator, value
     * and effect is replaced (so a template's {@code tolerationSeconds} gives way to kube's
     * infinite one: a daemon is never evicted for its node's condition), else it is added.
     */
    private static void add(List<Toleration> tolerations, String key, String effect) {
        Toleration t = new TolerationBuilder().withKey(key).withOperator("Exists").withEffect(effect).build();
        for (int i = 0; i < tolerations.size(); i++) {
            Toleration existing = tolerations.get(i);
            if (key.equals(existing.getKey()) && effect.equals(existing.getEffect())
                    && "Exists".equals(existing.getOperator()) && Objects.toString(existing.getValue(), "").isEmpty()) {
                tolerations.set(i, t);
                return;
            }
        }
        tolerations.add(t);
    }

    /**
     * The template's affinity with its required node affinity pinned to {@code nodeName} by a
     * {@code metadata.name} matchFields term (kube's {@code ReplaceDaemonSetPodNodeNameNodeAffinity}):
     * the scheduler then binds the pod to that node and no other, while still checking it fits.
     * Any other required terms are replaced: the controller already decided the node fits them.
     */
    static Affinity pinnedTo(Affinity affinity, String nodeName) {
        NodeSelectorTerm term = new NodeSelectorTerm(List.of(), List.of(new NodeSelectorRequirementBuilder()
                .withKey("metadata.name").withOperator("In").withValues(nodeName).build()));
        AffinityBuilder b = affinity == null ? new AffinityBuilder() : new AffinityBuilder(affinity);
        return b.editOrNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNodeSelectorTerms(term).endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build();
    }

    /** The node a daemon pod is for: its {@code nodeName}, else the name its affinity pins (kube's {@code GetTargetNodeName}). */
    static String targetNode(Pod pod) {
        if (pod.getSpec() == null) {
            return "";
        }
        if (pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
            return pod.getSpec().getNodeName();
        }
        Affinity a = pod.getSpec().getAffinity();
        NodeSelector required = a == null || a.getNodeAffinity() == null ? null
                : a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
        if (required != null) {
            for (NodeSelectorTerm term : nullToEmpty(required.getNodeSelectorTerms())) {
                for (NodeSelectorRequirement r : nullToEmpty(term.getMatchFields())) {
                    if ("metadata.name".equals(r.getKey()) && "In".equals(r.getOperator())
                            && r.getValues() != null && r.getValues().size() == 1) {
                        return r.getValues().get(0);
                    }
                }
            }
        }
        return "";
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
