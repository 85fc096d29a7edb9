package io.outpost.apiserver.admission.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.outpost.apiserver.cel.CelCompileException;
import io.outpost.apiserver.validation.FieldError;
import io.outpost.apiserver.validation.KindStrategy;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code ValidatingAdmissionPolicy} strategy: kube's defaults ({@code failurePolicy: Fail},
 * match defaults) and {@code ValidateValidatingAdmissionPolicy}, in which every CEL expression
 * must compile: one that does not is a field error on its path with the compiler's report
 * ({@code spec.validations[0].expression: Invalid value: "...": compilation failed: ERROR: ...}).
 * A new status is dropped on create and update (status is the server's).
 */
public final class PolicyValidation implements KindStrategy {

    private static final List<String> REASONS = List.of("Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized");
    private static final Pattern CEL_IDENTIFIER = Pattern.compile("[_a-zA-Z][_a-zA-Z0-9]*");
    private static final Pattern QUALIFIED_NAME =
            Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern ANNOTATION_KEY = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    @Override
    public void applyDefaults(ObjectNode object) {
        if (!(object.get("spec") instanceof ObjectNode spec)) {
            return;
        }
        if (!spec.has("failurePolicy")) {
            spec.put("failurePolicy", "Fail");
        }
        if (spec.get("matchConstraints") instanceof ObjectNode match) {
            MatchResourcesRules.applyDefaults(match);
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.remove("status");
    }

    @Override
    public List<FieldError> validate(ObjectNode object) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = object.path("spec");
        String failurePolicy = spec.path("failurePolicy").asString("Fail");
        if (!failurePolicy.equals("Fail") && !failurePolicy.equals("Ignore")) {
            errs.add(FieldError.notSupported("spec.failurePolicy", failurePolicy, List.of("Fail", "Ignore")));
        }
        JsonNode paramKind = spec.path("paramKind");
        if (paramKind.isObject()) {
            String apiVersion = paramKind.path("apiVersion").asString("");
            if (apiVersion.isEmpty()) {
                errs.add(FieldError.required("spec.paramKind.apiVersion", ""));
            } else if (apiVersion.chars().filter(c -> c == '/').count() > 1) {
                errs.add(FieldError.invalid("spec.paramKind.apiVersion", apiVersion, "must be of the form 'version' or 'group/version'"));
            }
            if (paramKind.path("kind").asString("").isEmpty()) {
                errs.add(FieldError.required("spec.paramKind.kind", ""));
            }
        }
        JsonNode match = spec.path("matchConstraints");
        if (!match.isObject()) {
            errs.add(FieldError.required("spec.matchConstraints", ""));
        } else {
            errs.addAll(MatchResourcesRules.validate(match, "spec.matchConstraints", true));
        }
        if (spec.path("validations").isEmpty() && spec.path("auditAnnotations").isEmpty()) {
            errs.add(FieldError.required("spec.validations", "validations or auditAnnotations must contain at least one item"));
        }
        errs.addAll(validateMatchConditions(spec.path("matchConditions"), "spec.matchConditions"));
        int i = 0;
        Set<String> variableNames = new HashSet<>();
        for (JsonNode v : spec.path("variables")) {
            String at = "spec.variables[" + i++ + "]";
            String name = v.path("name").asString("");
            if (name.isEmpty()) {
                errs.add(FieldError.required(at + ".name", ""));
            } else if (!CEL_IDENTIFIER.matcher(name).matches()) {
                errs.add(FieldError.invalid(at + ".name", name, "name is not a valid CEL identifier"));
            } else if (!variableNames.add(name)) {
                errs.add(FieldError.duplicate(at + ".name", name));
            }
            errs.addAll(expression(v, "expression", at, true));
        }
        i = 0;
        for (JsonNode v : spec.path("validations")) {
            String at = "spec.validations[" + i++ + "]";
            errs.addAll(expression(v, "expression", at, true));
            String message = v.path("message").asString("");
            if (message.contains("\n")) {
                errs.add(FieldError.invalid(at + ".message", message, "message must not contain line breaks"));
            } else if (!message.isEmpty() && message.isBlank()) {
                errs.add(FieldError.required(at + ".message", "message must be non-empty if specified"));
            }
            if (v.has("messageExpression")) {
                errs.addAll(expression(v, "messageExpression", at, false));
            }
            String reason = v.path("reason").asString("");
            if (v.has("reason") && !REASONS.contains(reason)) {
                errs.add(FieldError.notSupported(at + ".reason", reason, REASONS));
            }
        }
        i = 0;
        Set<String> keys = new HashSet<>();
        for (JsonNode v : spec.path("auditAnnotations")) {
            String at = "spec.auditAnnotations[" + i++ + "]";
            String key = v.path("key").asString("");
            if (key.isEmpty()) {
                errs.add(FieldError.required(at + ".key", ""));
            } else if (key.length() > 63 || !ANNOTATION_KEY.matcher(key).matches()) {
                errs.add(FieldError.invalid(at + ".key", key, "must be a valid annotation key segment"));
            } else if (!keys.add(key)) {
                errs.add(FieldError.duplicate(at + ".key", key));
            }
            errs.addAll(expression(v, "valueExpression", at, true));
        }
        return errs;
    }

    /** {@code matchConditions}: a unique qualified name and a compiling expression each. */
    static List<FieldError> validateMatchConditions(JsonNode conditions, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (conditions.size() > 64) {
            errs.add(FieldError.tooLong(path, 64));
        }
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode c : conditions) {
            String at = path + "[" + i++ + "]";
            String name = c.path("name").asString("");
            if (name.isEmpty()) {
                errs.add(FieldError.required(at + ".name", ""));
            } else if (!QUALIFIED_NAME.matcher(name).matches()) {
                errs.add(FieldError.invalid(at + ".name", name, "name must consist of alphanumeric characters, '-', '_' or '.', "
                        + "and must start and end with an alphanumeric character"));
            } else if (!names.add(name)) {
                errs.add(FieldError.duplicate(at + ".name", name));
            }
            errs.addAll(expression(c, "expression", at, true));
        }
        return errs;
    }

    private static List<FieldError> expression(JsonNode parent, String field, String at, boolean required) {
        String source = parent.path(field).asString("");
        if (source.isBlank()) {
            return required || parent.has(field) ? List.of(FieldError.required(at + "." + field, "")) : List.of();
        }
        try {
            PolicyExpressions.compile(source);
            return List.of();
        } catch (CelCompileException e) {
            return List.of(FieldError.invalid(at + "." + field, source, e.getMessage()));
        }
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode object, ObjectNode old) {
        return validate(object);
    }
}
