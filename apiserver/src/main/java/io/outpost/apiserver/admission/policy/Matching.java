package io.outpost.apiserver.admission.policy;

import java.util.HashMap;
import java.util.Map;

import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.validation.LabelSelectors;
import tools.jackson.databind.JsonNode;

/**
 * Whether a request falls under a {@code MatchResources} (a policy's {@code matchConstraints} or
 * a binding's {@code matchResources}), as kube's admission {@code matching.Matcher} decides:
 * the namespace selector, the object selector, then the exclude rules (which win), then the
 * resource rules (none: everything, for a binding).
 *
 * <p>{@code matchPolicy} Equivalent and Exact decide the same here: every resource is served at
 * one version, so there is no other version a request could be converted to.
 */
final class Matching {

    private Matching() {
    }

    /**
     * @param namespaceLabels the labels of the request's namespace (null when it is not found or
     *                        the resource is cluster-scoped)
     */
    static boolean matches(JsonNode match, AdmissionAttributes a, Map<String, String> namespaceLabels) {
        if (!namespaceSelected(match.path("namespaceSelector"), a, namespaceLabels)) {
            return false;
        }
        if (!objectSelected(match.path("objectSelector"), a)) {
            return false;
        }
        for (JsonNode rule : match.path("excludeResourceRules")) {
            if (ruleMatches(rule, a)) {
                return false;
            }
        }
        JsonNode rules = match.path("resourceRules");
        if (rules.isEmpty()) {
            return true;
        }
        for (JsonNode rule : rules) {
            if (ruleMatches(rule, a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * kube's namespace matcher: a namespaced request is matched on its namespace's labels; a
     * Namespace itself on its own labels; any other cluster-scoped request always matches.
     */
    private static boolean namespaceSelected(JsonNode selector, AdmissionAttributes a, Map<String, String> namespaceLabels) {
        if (selector.isMissingNode() || selector.isNull() || LabelSelectors.empty(selector)) {
            return true;
        }
        boolean isNamespace = a.group().isEmpty() && a.resource().equals("namespaces");
        if (isNamespace) {
            return LabelSelectors.matches(selector, labels(a.object() != null ? a.object() : a.oldObject()));
        }
        if (!a.type().namespaced()) {
            return true;
        }
        return LabelSelectors.matches(selector, namespaceLabels == null ? Map.of() : namespaceLabels);
    }

    /** kube's object matcher: the new or the old object's labels select the request. */
    private static boolean objectSelected(JsonNode selector, AdmissionAttributes a) {
        if (selector.isMissingNode() || selector.isNull() || LabelSelectors.empty(selector)) {
            return true;
        }
        return (a.object() != null && LabelSelectors.matches(selector, labels(a.object())))
                || (a.oldObject() != null && LabelSelectors.matches(selector, labels(a.oldObject())));
    }

    /** A {@code NamedRuleWithOperations} against the request (kube's webhook {@code rules.Matcher}). */
    static boolean ruleMatches(JsonNode rule, AdmissionAttributes a) {
        return contains(rule.path("operations"), a.operation().name())
                && contains(rule.path("apiGroups"), a.group())
                && contains(rule.path("apiVersions"), a.type().kind().version())
                && resourceMatches(rule.path("resources"), a.resource(), a.subresource())
                && scopeMatches(rule.path("scope").asString("*"), a)
                && nameMatches(rule.path("resourceNames"), a);
    }

    private static boolean contains(JsonNode values, String value) {
        for (JsonNode v : values) {
            String s = v.asString("");
            if (s.equals("*") || s.equals(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code pods} is the resource alone, {@code pods/status} one subresource, {@code pods/*} pods
     * and every subresource of pods (kube's matcher lets {@code *} match the empty subresource), {@code *} every resource (no subresources), {@code *}{@code /status} that
     * subresource of every resource, {@code *}{@code /*} everything.
     */
    private static boolean resourceMatches(JsonNode resources, String resource, String subresource) {
        for (JsonNode v : resources) {
            String s = v.asString("");
            int slash = s.indexOf('/');
            String res = slash < 0 ? s : s.substring(0, slash);
            String sub = slash < 0 ? "" : s.substring(slash + 1);
            if (!(res.equals("*") || res.equals(resource))) {
                continue;
            }
            if (sub.equals("*") || sub.equals(subresource)) {
                return true;
            }
        }
        return false;
    }

    private static boolean scopeMatches(String scope, AdmissionAttributes a) {
        return switch (scope) {
            case "Cluster" -> !a.type().namespaced();
            case "Namespaced" -> a.type().namespaced();
            default -> true;
        };
    }

    private static boolean nameMatches(JsonNode names, AdmissionAttributes a) {
        if (names.isEmpty()) {
            return true;
        }
        for (JsonNode n : names) {
            if (n.asString("").equals(a.name())) {
                return true;
            }
        }
        return false;
    }

    static Map<String, String> labels(JsonNode object) {
        Map<String, String> labels = new HashMap<>();
        if (object != null) {
            object.path("metadata").path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString("")));
        }
        return labels;
    }

    /** Whether {@code op} is one a rule may name. */
    static boolean knownOperation(String op) {
        if (op.equals("*")) {
            return true;
        }
        for (Operation o : Operation.values()) {
            if (o.name().equals(op)) {
                return true;
            }
        }
        return false;
    }
}
