package io.outpost.apiserver.admission.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.outpost.apiserver.validation.FieldError;
import io.outpost.apiserver.validation.KindStrategy;
import io.outpost.apiserver.validation.LabelSelectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code ValidatingAdmissionPolicyBinding} strategy: kube's defaults (match defaults,
 * {@code paramRef.parameterNotFoundAction: Deny}) and {@code ValidateValidatingAdmissionPolicyBinding}.
 */
public final class BindingValidation implements KindStrategy {

    private static final List<String> ACTIONS = List.of("Audit", "Deny", "Warn");

    @Override
    public void applyDefaults(ObjectNode object) {
        if (!(object.get("spec") instanceof ObjectNode spec)) {
            return;
        }
        if (spec.get("matchResources") instanceof ObjectNode match) {
            MatchResourcesRules.applyDefaults(match);
        }
        if (spec.get("paramRef") instanceof ObjectNode ref && !ref.has("parameterNotFoundAction")) {
            ref.put("parameterNotFoundAction", "Deny");
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode object) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = object.path("spec");
        if (spec.path("policyName").asString("").isEmpty()) {
            errs.add(FieldError.required("spec.policyName", ""));
        }
        JsonNode actions = spec.path("validationActions");
        if (actions.isEmpty()) {
            errs.add(FieldError.required("spec.validationActions", ""));
        }
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (JsonNode a : actions) {
            String action = a.asString("");
            String at = "spec.validationActions[" + i++ + "]";
            if (!ACTIONS.contains(action)) {
                errs.add(FieldError.notSupported(at, action, ACTIONS));
            } else if (!seen.add(action)) {
                errs.add(FieldError.duplicate(at, action));
            }
        }
        if (seen.contains("Deny") && seen.contains("Warn")) {
            errs.add(FieldError.invalid("spec.validationActions", actions, "must not contain both Deny and Warn (repeating "
                    + "the same validation failure information in the API response and headers serves no purpose)"));
        }
        JsonNode ref = spec.path("paramRef");
        if (ref.isObject()) {
            boolean named = !ref.path("name").asString("").isEmpty();
            boolean selected = ref.path("selector").isObject();
            if (named && selected) {
                errs.add(FieldError.forbidden("spec.paramRef.name", "name and selector are mutually exclusive"));
            } else if (!named && !selected) {
                errs.add(FieldError.required("spec.paramRef", "one of name or selector must be specified"));
            }
            if (selected) {
                errs.addAll(LabelSelectors.validate(ref.path("selector"), "spec.paramRef.selector"));
            }
            String action = ref.path("parameterNotFoundAction").asString("");
            if (!action.equals("Allow") && !action.equals("Deny")) {
                errs.add(FieldError.notSupported("spec.paramRef.parameterNotFoundAction", action, List.of("Allow", "Deny")));
            }
        }
        if (spec.path("matchResources").isObject()) {
            errs.addAll(MatchResourcesRules.validate(spec.path("matchResources"), "spec.matchResources", false));
        }
        return errs;
    }
}
