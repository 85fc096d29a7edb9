package io.outpost.apiserver.admission.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.outpost.apiserver.cel.CelCompileException;
import io.outpost.apiserver.cel.CelExpression;
import tools.jackson.databind.JsonNode;

/**
 * A ValidatingAdmissionPolicy with its expressions compiled, ready to evaluate. Built from the
 * stored object when it changes (see {@link PolicyIndex}); an expression that does not compile
 * (validation refuses such policies, so only one stored before this check could) is kept as its
 * error and makes each evaluation fail under the failure policy.
 *
 * @param name            {@code metadata.name}
 * @param failOnError     {@code failurePolicy: Fail} (the default); false for Ignore
 * @param matchConstraints {@code spec.matchConstraints}
 * @param paramKind       {@code spec.paramKind} (apiVersion and kind), or null
 * @param matchConditions  in order
 * @param variables        in order
 * @param validations      in order
 * @param auditAnnotations in order
 * @param compileErrors    one line per expression that did not compile
 */
record CompiledPolicy(String name, boolean failOnError, JsonNode matchConstraints, ParamKind paramKind,
                      List<Named> matchConditions, List<Named> variables, List<Validation> validations,
                      List<Named> auditAnnotations, List<String> compileErrors) {

    /** {@code apiVersion} and {@code kind} of a policy's parameters. */
    record ParamKind(String apiVersion, String kind) {
    }

    /**
     * A named expression: a match condition, a variable or an audit annotation (name is its key);
     * {@code uses} are the variables it reads.
     */
    record Named(String name, CelExpression expression, Set<String> uses) {
    }

    /** One entry of {@code spec.validations}; {@code uses} are the variables its expressions read. */
    record Validation(String source, CelExpression expression, String message, CelExpression messageExpression,
                      String reason, Set<String> uses) {
    }

    /** {@code variables.name}: how an expression reads a variable (kube composes them the same way). */
    private static final Pattern VARIABLE_USE = Pattern.compile("\\bvariables\\s*\\.\\s*([_a-zA-Z][_a-zA-Z0-9]*)");

    /** The variables {@code source} reads. */
    static Set<String> uses(String source) {
        Set<String> names = new HashSet<>();
        Matcher m = VARIABLE_USE.matcher(source);
        while (m.find()) {
            names.add(m.group(1));
        }
        return Set.copyOf(names);
    }

    static CompiledPolicy compile(JsonNode policy) {
        JsonNode spec = policy.path("spec");
        List<String> errors = new ArrayList<>();
        JsonNode pk = spec.path("paramKind");
        ParamKind paramKind = pk.isObject()
                ? new ParamKind(pk.path("apiVersion").asString(""), pk.path("kind").asString("")) : null;
        List<Validation> validations = new ArrayList<>();
        int i = 0;
        for (JsonNode v : spec.path("validations")) {
            String at = "spec.validations[" + i++ + "]";
            CelExpression expression = compile(v.path("expression").asString(""), at + ".expression", errors);
            String messageSource = v.path("messageExpression").asString("");
            CelExpression messageExpression = messageSource.isEmpty() ? null
                    : compile(messageSource, at + ".messageExpression", errors);
            validations.add(new Validation(v.path("expression").asString(""), expression, v.path("message").asString(""),
                    messageExpression, v.path("reason").asString(""), uses(v.path("expression").asString("") + " " + messageSource)));
        }
        return new CompiledPolicy(policy.path("metadata").path("name").asString(""),
                !spec.path("failurePolicy").asString("Fail").equals("Ignore"), spec.path("matchConstraints"), paramKind,
                named(spec.path("matchConditions"), "name", "expression", "spec.matchConditions", errors),
                named(spec.path("variables"), "name", "expression", "spec.variables", errors),
                validations,
                named(spec.path("auditAnnotations"), "key", "valueExpression", "spec.auditAnnotations", errors),
                List.copyOf(errors));
    }

    private static List<Named> named(JsonNode items, String nameField, String expressionField, String path,
                                     List<String> errors) {
        List<Named> named = new ArrayList<>();
        int i = 0;
        for (JsonNode item : items) {
            String at = path + "[" + i++ + "]." + expressionField;
            String source = item.path(expressionField).asString("");
            named.add(new Named(item.path(nameField).asString(""), compile(source, at, errors), uses(source)));
        }
        return named;
    }

    private static CelExpression compile(String source, String path, List<String> errors) {
        try {
            return PolicyExpressions.compile(source);
        } catch (CelCompileException e) {
            errors.add(path + ": " + e.getMessage());
            return null;
        }
    }
}
