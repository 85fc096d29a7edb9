package io.outpost.apiserver.admission.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.AdmissionDenied;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.admission.ValidatingPlugin;
import io.outpost.apiserver.cel.CelEvaluationError;
import io.outpost.apiserver.cel.CelValues;
import io.outpost.apiserver.validation.LabelSelectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * kube's {@code ValidatingAdmissionPolicy} admission plugin. For each binding (in name order)
 * whose policy exists: the policy's {@code matchConstraints} and the binding's
 * {@code matchResources} must both match; then for each parameter the binding selects (or once,
 * without {@code paramKind}): the match conditions, the variables, and each validation. A
 * validation that is false, or an error under {@code failurePolicy: Fail}, is acted on by the
 * binding's {@code validationActions}: Deny refuses the request (the first refusal is the
 * answer), Warn adds a {@code Warning} header, Audit is logged (there is no audit log yet).
 *
 * <p>Variables are evaluated in order before the validations; one that fails to evaluate is an
 * error only for the expressions that read it ({@code variables.name}), which matches kube's lazy
 * variables except that a variable nobody reads still costs its evaluation.
 *
 * <p>Thread model: any request thread; state is in the {@link PolicyIndex}.
 */
public final class ValidatingAdmissionPolicyPlugin implements ValidatingPlugin {

    public static final String NAME = "ValidatingAdmissionPolicy";

    private static final Logger LOG = LoggerFactory.getLogger(ValidatingAdmissionPolicyPlugin.class);

    private final ObjectSource objects;
    private final PolicyIndex index;
    private final ResourceType namespaces;

    /**
     * @param policies   the {@code validatingadmissionpolicies} resource
     * @param bindings   the {@code validatingadmissionpolicybindings} resource
     * @param namespaces the core {@code namespaces} resource
     */
    public ValidatingAdmissionPolicyPlugin(ObjectSource objects, ResourceType policies, ResourceType bindings,
                                           ResourceType namespaces) {
        this.objects = objects;
        this.index = new PolicyIndex(objects, policies, bindings);
        this.namespaces = namespaces;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void validate(AdmissionAttributes a, List<String> warnings) {
        List<PolicyIndex.Bound> bound = index.current();
        if (bound.isEmpty()) {
            return;
        }
        ObjectNode namespace = a.type().namespaced() && !a.namespace().isEmpty()
                ? objects.get(namespaces, "", a.namespace()).orElse(null) : null;
        Map<String, String> namespaceLabels = namespace == null ? null : Matching.labels(namespace);
        Map<String, Object> shared = null; // built on the first match
        for (PolicyIndex.Bound b : bound) {
            CompiledPolicy policy = b.policy();
            JsonNode bindingSpec = b.binding().path("spec");
            if (!Matching.matches(policy.matchConstraints(), a, namespaceLabels)) {
                continue;
            }
            JsonNode bindingMatch = bindingSpec.path("matchResources");
            if (bindingMatch.isObject() && !Matching.matches(bindingMatch, a, namespaceLabels)) {
                continue;
            }
            if (shared == null) {
                shared = baseActivation(a, namespace);
            }
            List<Decision> decisions = evaluate(policy, bindingSpec, a, shared);
            act(policy, b.bindingName(), bindingSpec, decisions, a, warnings);
        }
    }

    /** What one validation (or a failure to evaluate) decided. */
    record Decision(String message, String reason) {
    }

    private List<Decision> evaluate(CompiledPolicy policy, JsonNode bindingSpec, AdmissionAttributes a,
                                    Map<String, Object> shared) {
        if (!policy.compileErrors().isEmpty()) {
            return failure(policy, "failed to compile policy: " + String.join("; ", policy.compileErrors()));
        }
        List<JsonNode> params = new ArrayList<>();
        if (policy.paramKind() != null) {
            Optional<ResourceType> paramType = objects.resourceOf(policy.paramKind().apiVersion(), policy.paramKind().kind());
            if (paramType.isEmpty()) {
                return failure(policy, "failed to configure policy: failed to find resource referenced by paramKind: '"
                        + policy.paramKind().apiVersion() + ", Kind=" + policy.paramKind().kind() + "'");
            }
            JsonNode paramRef = bindingSpec.path("paramRef");
            if (!paramRef.isObject()) {
                return failure(policy, "failed to configure binding: no paramRef in binding for a policy with paramKind");
            }
            Optional<String> problem = Params.select(objects, paramType.get(), paramRef, a, params);
            if (problem.isPresent()) {
                return failure(policy, problem.get());
            }
            if (params.isEmpty()) {
                if (paramRef.path("parameterNotFoundAction").asString("Deny").equals("Allow")) {
                    return List.of();
                }
                return failure(policy,
                        "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction");
            }
        } else {
            params.add(null);
        }
        List<Decision> decisions = new ArrayList<>();
        for (JsonNode param : params) {
            decisions.addAll(evaluateOnce(policy, a, shared, param));
        }
        return decisions;
    }

    private List<Decision> evaluateOnce(CompiledPolicy policy, AdmissionAttributes a, Map<String, Object> shared,
                                        JsonNode param) {
        Map<String, Object> activation = new HashMap<>(shared);
        activation.put("params", CelValues.fromJson(param));
        Map<String, Object> variables = new LinkedHashMap<>();
        activation.put("variables", variables);
        for (CompiledPolicy.Named condition : policy.matchConditions()) {
            try {
                if (!condition.expression().evaluateBoolean(activation)) {
                    return List.of();
                }
            } catch (CelEvaluationError e) {
                return failure(policy, "failed to evaluate matchCondition '" + condition.name() + "': " + e.getMessage());
            }
        }
        // Variables are computed in order; one that fails is an error only for the expressions
        // that read it, as kube's lazily evaluated variables are.
        Map<String, String> failed = new HashMap<>();
        for (CompiledPolicy.Named variable : policy.variables()) {
            String inherited = firstFailure(variable.uses(), failed);
            if (inherited != null) {
                failed.put(variable.name(), inherited);
                continue;
            }
            try {
                variables.put(variable.name(), variable.expression().evaluate(activation));
            } catch (CelEvaluationError e) {
                failed.put(variable.name(), "variable '" + variable.name() + "' resulted in error: " + e.getMessage());
            }
        }
        List<Decision> decisions = new ArrayList<>();
        for (CompiledPolicy.Validation v : policy.validations()) {
            String failure = firstFailure(v.uses(), failed);
            try {
                if (failure != null) {
                    throw new CelEvaluationError(failure, false);
                }
                if (!v.expression().evaluateBoolean(activation)) {
                    decisions.add(new Decision(message(v, activation), v.reason()));
                }
            } catch (CelEvaluationError e) {
                if (policy.failOnError()) {
                    decisions.add(new Decision("expression '" + v.source() + "' resulted in error: " + e.getMessage(),
                            v.reason()));
                }
            }
        }
        audit(policy, activation);
        return decisions;
    }

    private static String firstFailure(java.util.Set<String> uses, Map<String, String> failed) {
        for (String name : uses) {
            if (failed.containsKey(name)) {
                return failed.get(name);
            }
        }
        return null;
    }

    /** kube's message: the messageExpression if it gives a usable string, else message, else the expression. */
    private static String message(CompiledPolicy.Validation v, Map<String, Object> activation) {
        if (v.messageExpression() != null) {
            try {
                String m = v.messageExpression().evaluateString(activation);
                if (!m.isBlank() && !m.contains("\n")) {
                    return m.strip();
                }
            } catch (CelEvaluationError e) {
                LOG.debug("messageExpression failed: {}", e.getMessage());
            }
        }
        return v.message().isEmpty() ? "failed expression: " + v.source().strip() : v.message();
    }

    private static void audit(CompiledPolicy policy, Map<String, Object> activation) {
        for (CompiledPolicy.Named annotation : policy.auditAnnotations()) {
            try {
                Object value = annotation.expression().evaluate(activation);
                if (value instanceof String s) {
                    LOG.info("audit annotation {}/{}: {}", policy.name(), annotation.name(), s);
                }
            } catch (CelEvaluationError e) {
                LOG.info("audit annotation {}/{} failed: {}", policy.name(), annotation.name(), e.getMessage());
            }
        }
    }

    private static List<Decision> failure(CompiledPolicy policy, String message) {
        return policy.failOnError() ? List.of(new Decision(message, "")) : List.of();
    }

    private static void act(CompiledPolicy policy, String binding, JsonNode bindingSpec, List<Decision> decisions,
                            AdmissionAttributes a, List<String> warnings) {
        if (decisions.isEmpty()) {
            return;
        }
        List<String> actions = new ArrayList<>();
        bindingSpec.path("validationActions").forEach(v -> actions.add(v.asString("")));
        for (Decision d : decisions) {
            if (actions.contains("Warn")) {
                warnings.add("Validation failed for ValidatingAdmissionPolicy '" + policy.name() + "' with binding '"
                        + binding + "': " + d.message());
            }
            if (actions.contains("Audit")) {
                LOG.info("validation.policy.admission.k8s.io/validation_failure: policy={} binding={} message={}",
                        policy.name(), binding, d.message());
            }
        }
        if (actions.contains("Deny")) {
            Decision first = decisions.get(0);
            String reason = first.reason().isEmpty() ? "Invalid" : first.reason();
            throw AdmissionDenied.forbidden(a, reason, "ValidatingAdmissionPolicy '" + policy.name() + "' with binding '"
                    + binding + "' denied request: " + first.message());
        }
    }

    /**
     * What every evaluation for this request shares, converted to CEL values once: object,
     * oldObject, request and namespaceObject.
     */
    private static Map<String, Object> baseActivation(AdmissionAttributes a, ObjectNode namespace) {
        Map<String, Object> base = new HashMap<>();
        base.put("object", CelValues.fromJson(a.object()));
        base.put("oldObject", CelValues.fromJson(a.oldObject()));
        base.put("request", RequestValues.of(a));
        base.put("namespaceObject", CelValues.fromJson(namespace == null ? null : namespaceObject(namespace)));
        return base;
    }

    /** kube gives policies the namespace's metadata, spec and status only. */
    private static ObjectNode namespaceObject(ObjectNode namespace) {
        ObjectNode copy = namespace.objectNode();
        for (String field : new String[] {"apiVersion", "kind", "metadata", "spec", "status"}) {
            if (namespace.has(field)) {
                copy.set(field, namespace.get(field));
            }
        }
        return copy;
    }

    /** Whether a label selector matches; exposed for {@link Params}. */
    static boolean selects(JsonNode selector, JsonNode object) {
        return LabelSelectors.matches(selector, Matching.labels(object));
    }
}
