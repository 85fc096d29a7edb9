package io.outpost.apiserver.validation;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Job's {@code podFailurePolicy}, as kube's {@code validatePodFailurePolicy} checks it: at most
 * 20 rules, each with a supported action ({@code FailIndex} only with {@code backoffLimitPerIndex})
 * and exactly one of {@code onExitCodes} (an operator, a container of the template if named, 1 to
 * 255 ordered, distinct values, no 0 with {@code In}) and {@code onPodConditions} (at most 20
 * patterns of a qualified type and a status True, False or Unknown, True by default).
 */
final class PodFailurePolicies {

    static final List<String> ACTIONS = List.of("Count", "FailIndex", "FailJob", "Ignore");
    static final List<String> OPERATORS = List.of("In", "NotIn");
    static final List<String> STATUSES = List.of("False", "True", "Unknown");
    private static final int MAX_RULES = 20;
    private static final int MAX_PATTERNS = 20;
    private static final int MAX_VALUES = 255;

    private PodFailurePolicies() {
    }

    /** kube's {@code SetDefaults_Job} for the policy: a pattern's status is True unless given. */
    static void applyDefaults(ObjectNode jobSpec) {
        for (JsonNode rule : jobSpec.path("podFailurePolicy").path("rules")) {
            for (JsonNode pattern : rule.path("onPodConditions")) {
                if (pattern instanceof ObjectNode p && Trees.absent(p, "status")) {
                    p.put("status", "True");
                }
            }
        }
    }

    /** @param path {@code spec.podFailurePolicy.} or the job template's */
    static void validate(JsonNode jobSpec, String path, List<FieldError> errs) {
        JsonNode rules = jobSpec.path("podFailurePolicy").path("rules");
        if (rules.size() > MAX_RULES) {
            errs.add(FieldError.tooMany(path + "rules", rules.size(), MAX_RULES));
        }
        Set<String> containers = new HashSet<>();
        for (String kind : new String[] {"containers", "initContainers"}) {
            jobSpec.path("template").path("spec").path(kind).forEach(c -> containers.add(Trees.text(c, "name")));
        }
        boolean perIndex = !Trees.absent(jobSpec, "backoffLimitPerIndex");
        for (int i = 0; i < rules.size(); i++) {
            rule(rules.get(i), path + "rules[" + i + "]", containers, perIndex, errs);
        }
    }

    private static void rule(JsonNode rule, String path, Set<String> containers, boolean perIndex, List<FieldError> errs) {
        String action = Trees.text(rule, "action");
        if (action.isEmpty()) {
            errs.add(FieldError.required(path + ".action", "valid values: " + quoted(ACTIONS)));
        } else if (action.equals("FailIndex")) {
            if (!perIndex) {
                errs.add(FieldError.invalid(path + ".action", action, "requires the backoffLimitPerIndex to be set"));
            }
        } else if (!ACTIONS.contains(action)) {
            errs.add(FieldError.notSupported(path + ".action", action, ACTIONS));
        }
        boolean exitCodes = !Trees.absent(rule, "onExitCodes");
        boolean conditions = !rule.path("onPodConditions").isEmpty();
        if (exitCodes) {
            onExitCodes(rule.path("onExitCodes"), path + ".onExitCodes", containers, errs);
        }
        if (conditions) {
            onPodConditions(rule.path("onPodConditions"), path + ".onPodConditions", errs);
        }
        if (exitCodes && conditions) {
            errs.add(FieldError.invalidOmitValue(path, "specifying both OnExitCodes and OnPodConditions is not supported"));
        }
        if (!exitCodes && !conditions) {
            errs.add(FieldError.invalidOmitValue(path, "specifying one of OnExitCodes and OnPodConditions is required"));
        }
    }

    private static void onExitCodes(JsonNode req, String path, Set<String> containers, List<FieldError> errs) {
        String operator = Trees.text(req, "operator");
        if (operator.isEmpty()) {
            errs.add(FieldError.required(path + ".operator", "valid values: " + quoted(OPERATORS)));
        } else if (!OPERATORS.contains(operator)) {
            errs.add(FieldError.notSupported(path + ".operator", operator, OPERATORS));
        }
        if (!Trees.absent(req, "containerName") && !containers.contains(Trees.text(req, "containerName"))) {
            errs.add(FieldError.invalid(path + ".containerName", Trees.text(req, "containerName"),
                    "must be one of the container or initContainer names in the pod template"));
        }
        JsonNode values = req.path("values");
        if (values.isEmpty()) {
            errs.add(FieldError.invalid(path + ".values", values.isMissingNode() ? null : values, "at least one value is required"));
            return;
        }
        if (values.size() > MAX_VALUES) {
            errs.add(FieldError.tooMany(path + ".values", values.size(), MAX_VALUES));
            return;
        }
        Set<Long> seen = new HashSet<>();
        boolean ordered = true;
        for (int j = 0; j < values.size(); j++) {
            long v = values.get(j).asLong();
            if (operator.equals("In") && v == 0) {
                errs.add(FieldError.invalid(path + ".values[" + j + "]", v, "must not be 0 for the In operator"));
            }
            if (!seen.add(v)) {
                errs.add(FieldError.duplicate(path + ".values[" + j + "]", v));
            }
            if (j > 0 && values.get(j - 1).asLong() > v) {
                ordered = false;
            }
        }
        if (!ordered) {
            errs.add(FieldError.invalid(path + ".values", values, "must be ordered"));
        }
    }

    private static void onPodConditions(JsonNode patterns, String path, List<FieldError> errs) {
        if (patterns.size() > MAX_PATTERNS) {
            errs.add(FieldError.tooMany(path, patterns.size(), MAX_PATTERNS));
        }
        for (int j = 0; j < patterns.size(); j++) {
            JsonNode pattern = patterns.get(j);
            String at = path + "[" + j + "]";
            String type = Trees.text(pattern, "type");
            for (String problem : Names.qualifiedName(type)) {
                errs.add(FieldError.invalid(at + ".type", type, problem));
            }
            String status = Trees.text(pattern, "status");
            if (status.isEmpty()) {
                errs.add(FieldError.required(at + ".status", "valid values: " + quoted(STATUSES)));
            } else if (!STATUSES.contains(status)) {
                errs.add(FieldError.notSupported(at + ".status", status, STATUSES));
            }
        }
    }

    /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
    private static String quoted(List<String> values) {
        return "[" + String.join(" ", values.stream().map(v -> "\"" + v + "\"").toList()) + "]";
    }
}
