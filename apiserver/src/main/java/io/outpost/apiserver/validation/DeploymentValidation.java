package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Deployments: kube's {@code ValidateDeploymentSpec} for the essential fields (selector and
 * template via {@link Workloads}, strategy, history and deadline bounds) and an immutable
 * selector on update.
 */
final class DeploymentValidation implements KindStrategy {

    private static final List<String> STRATEGIES = List.of("Recreate", "RollingUpdate");

    @Override
    public void applyDefaults(ObjectNode object) {
        DeploymentDefaults.apply(object);
    }

    @Override
    public List<FieldError> validate(ObjectNode object) {
        JsonNode spec = object.path("spec");
        List<FieldError> errs = new ArrayList<>(Workloads.validateSpec(spec, "deployment", true));
        JsonNode strategy = spec.path("strategy");
        String type = Trees.text(strategy, "type");
        if (!STRATEGIES.contains(type)) {
            errs.add(type.isEmpty() ? FieldError.required("spec.strategy.type", "")
                    : FieldError.notSupported("spec.strategy.type", type, STRATEGIES));
        }
        if (type.equals("Recreate") && !Trees.absent(strategy, "rollingUpdate")) {
            errs.add(FieldError.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"));
        }
        Workloads.rollingUpdate(strategy.path("rollingUpdate"), "spec.strategy.rollingUpdate.", errs);
        Workloads.nonNegative(spec, "revisionHistoryLimit", "spec.", errs);
        Workloads.nonNegative(spec, "minReadySeconds", "spec.", errs);
        long deadline = spec.path("progressDeadlineSeconds").asLong(600);
        if (!Trees.absent(spec, "progressDeadlineSeconds") && deadline <= spec.path("minReadySeconds").asLong(0)) {
            errs.add(FieldError.invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(object));
        Workloads.selectorImmutable(object, old, errs);
        return errs;
    }
}
