package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.outpost.apiserver.admission.priority.SystemPriorityClasses;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * scheduling.k8s.io/v1 PriorityClasses, as kube's {@code ValidatePriorityClass} and its
 * defaults: {@code preemptionPolicy} defaults to {@code PreemptLowerPriority} and is
 * PreemptLowerPriority or Never; a name starting with {@code system-} is reserved for the system
 * classes (with their own values); any other class's value is at most 1,000,000,000; the value
 * and the policy cannot change.
 */
final class PriorityClassValidation implements KindStrategy {

    static final List<String> POLICIES = List.of("PreemptLowerPriority", "Never");

    @Override
    public void applyDefaults(ObjectNode pc) {
        Trees.defaultText(pc, "preemptionPolicy", "PreemptLowerPriority");
    }

    @Override
    public List<FieldError> validate(ObjectNode pc) {
        List<FieldError> errs = new ArrayList<>();
        String name = pc.path("metadata").path("name").asString("");
        long value = pc.path("value").asLong(0);
        if (!pc.path("value").isIntegralNumber()) {
            errs.add(FieldError.required("value", ""));
        }
        if (name.startsWith(SystemPriorityClasses.PREFIX)) {
            var system = SystemPriorityClasses.named(name);
            if (system.isEmpty()) {
                errs.add(FieldError.forbidden("metadata.name", "priority class names with '" + SystemPriorityClasses.PREFIX
                        + "' prefix are reserved for system use only. error: " + name + " is not a known system priority class"));
            } else if (system.get().value() != value) {
                errs.add(FieldError.forbidden("metadata.name", "priority class names with '" + SystemPriorityClasses.PREFIX
                        + "' prefix are reserved for system use only. error: value of " + name + " PriorityClass must be "
                        + system.get().value()));
            }
        } else if (value > SystemPriorityClasses.HIGHEST_USER_DEFINABLE) {
            errs.add(FieldError.forbidden("value", "maximum allowed value of a user defined priority is "
                    + SystemPriorityClasses.HIGHEST_USER_DEFINABLE));
        }
        String policy = Trees.text(pc, "preemptionPolicy");
        if (!POLICIES.contains(policy)) {
            errs.add(FieldError.notSupported("preemptionPolicy", policy, POLICIES));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode pc, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(pc));
        if (!Objects.equals(pc.path("value").asLong(0), old.path("value").asLong(0))) {
            errs.add(FieldError.forbidden("value", "may not be changed in an update."));
        }
        JsonNode policy = pc.path("preemptionPolicy");
        if (!policy.asString("").equals(old.path("preemptionPolicy").asString("PreemptLowerPriority"))) {
            errs.add(FieldError.invalid("preemptionPolicy", policy.asString(""), "field is immutable"));
        }
        return errs;
    }
}
