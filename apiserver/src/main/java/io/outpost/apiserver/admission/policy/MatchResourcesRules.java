package io.outpost.apiserver.admission.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.outpost.apiserver.validation.FieldError;
import io.outpost.apiserver.validation.LabelSelectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Defaulting and validation of a {@code MatchResources} and its {@code NamedRuleWithOperations},
 * shared by policies and bindings (kube's {@code SetDefaults_MatchResources},
 * {@code validateMatchResources}, {@code validateNamedRuleWithOperations}).
 */
final class MatchResourcesRules {

    private static final List<String> OPERATIONS = List.of("*", "CONNECT", "CREATE", "DELETE", "UPDATE");

    private MatchResourcesRules() {
    }

    /** matchPolicy Equivalent, empty selectors, every rule's scope {@code *}. */
    static void applyDefaults(ObjectNode match) {
        if (!match.has("matchPolicy")) {
            match.put("matchPolicy", "Equivalent");
        }
        if (!match.has("namespaceSelector")) {
            match.putObject("namespaceSelector");
        }
        if (!match.has("objectSelector")) {
            match.putObject("objectSelector");
        }
        for (String rules : new String[] {"resourceRules", "excludeResourceRules"}) {
            for (JsonNode rule : match.path(rules)) {
                if (rule instanceof ObjectNode r && !r.has("scope")) {
                    r.put("scope", "*");
                }
            }
        }
    }

    /** @param rulesRequired whether {@code resourceRules} must have an entry (a policy's constraints) */
    static List<FieldError> validate(JsonNode match, String path, boolean rulesRequired) {
        List<FieldError> errs = new ArrayList<>();
        String policy = match.path("matchPolicy").asString("Equivalent");
        if (!policy.equals("Equivalent") && !policy.equals("Exact")) {
            errs.add(FieldError.notSupported(path + ".matchPolicy", policy, List.of("Equivalent", "Exact")));
        }
        for (String selector : new String[] {"namespaceSelector", "objectSelector"}) {
            if (match.path(selector).isObject()) {
                errs.addAll(LabelSelectors.validate(match.path(selector), path + "." + selector));
            }
        }
        if (rulesRequired && match.path("resourceRules").isEmpty()) {
            errs.add(FieldError.required(path + ".resourceRules", ""));
        }
        for (String rules : new String[] {"resourceRules", "excludeResourceRules"}) {
            int i = 0;
            for (JsonNode rule : match.path(rules)) {
                errs.addAll(validateRule(rule, path + "." + rules + "[" + i++ + "]"));
            }
        }
        return errs;
    }

    private static List<FieldError> validateRule(JsonNode rule, String path) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode operations = rule.path("operations");
        if (operations.isEmpty()) {
            errs.add(FieldError.required(path + ".operations", ""));
        }
        if (operations.size() > 1 && contains(operations, "*")) {
            errs.add(FieldError.invalid(path + ".operations", operations, "if '*' is present, must not specify other operations"));
        }
        int i = 0;
        for (JsonNode op : operations) {
            if (!OPERATIONS.contains(op.asString(""))) {
                errs.add(FieldError.notSupported(path + ".operations[" + i + "]", op.asString(""), OPERATIONS));
            }
            i++;
        }
        for (String field : new String[] {"apiGroups", "apiVersions"}) {
            JsonNode values = rule.path(field);
            if (values.isEmpty()) {
                errs.add(FieldError.required(path + "." + field, ""));
            } else if (values.size() > 1 && contains(values, "*")) {
                errs.add(FieldError.invalid(path + "." + field, values, "if '*' is present, must not specify other API groups".replace(
                        "API groups", field.equals("apiGroups") ? "API groups" : "API versions")));
            }
        }
        JsonNode resources = rule.path("resources");
        if (resources.isEmpty()) {
            errs.add(FieldError.required(path + ".resources", ""));
        }
        Set<String> seen = new HashSet<>();
        i = 0;
        for (JsonNode r : resources) {
            String s = r.asString("");
            if (s.isEmpty()) {
                errs.add(FieldError.required(path + ".resources[" + i + "]", ""));
            } else if (!seen.add(s)) {
                errs.add(FieldError.duplicate(path + ".resources[" + i + "]", s));
            } else if (s.chars().filter(c -> c == '/').count() > 1) {
                errs.add(FieldError.invalid(path + ".resources[" + i + "]", s, "must be of the form 'resource' or 'resource/subresource'"));
            }
            i++;
        }
        String scope = rule.path("scope").asString("*");
        if (!List.of("*", "Cluster", "Namespaced").contains(scope)) {
            errs.add(FieldError.notSupported(path + ".scope", scope, List.of("*", "Cluster", "Namespaced")));
        }
        return errs;
    }

    private static boolean contains(JsonNode values, String value) {
        for (JsonNode v : values) {
            if (v.asString("").equals(value)) {
                return true;
            }
        }
        return false;
    }
}
