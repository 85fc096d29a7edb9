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
        rollingUpdate(strategy.path("rollingUpdate"), errs);
        Workloads.nonNegative(spec, "revisionHistoryLimit", "spec.", errs);
        Workloads.nonNegative(spec, "minReadySeconds", "spec.", errs);
        long deadline = spec.path("progressDeadlineSeconds").asLong(600);
        if (!Trees.absent(spec, "progressDeadlineSeconds") && deadline <= spec.path("minReadySeconds").asLong(0)) {
            errs.add(FieldError.invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"));
        }
        return errs;
    }

    private static void rollingUpdate(JsonNode rolling, List<FieldError> errs) {
        String path = "spec.strategy.rollingUpdate.";
        for (String field : new String[] {"maxUnavailable", "maxSurge"}) {
            JsonNode v = rolling.path(field);
            Integer percent = Workloads.percent(v);
            if (v.isNumber() && v.asLong() < 0) {
                errs.add(FieldError.invalid(path + field, v.asLong(), "must be greater than or equal to 0"));
            } else if (v.isString() && percent == null) {
                errs.add(FieldError.invalid(path + field, v.stringValue(), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
            } else if (field.equals("maxUnavailable") && percent != null && percent > 100) {
                errs.add(FieldError.invalid(path + field, v.stringValue(), "must not be greater than 100%"));
            }
        }
        if (isZero(rolling.path("maxUnavailable")) && isZero(rolling.path("maxSurge"))) {
            errs.add(FieldError.invalid(path + "maxUnavailable", render(rolling.path("maxUnavailable")), "may not be 0 when `maxSurge` is 0"));
        }
    }

    private static boolean isZero(JsonNode v) {
        return (v.isNumber() && v.asLong() == 0) || (v.isString() && v.stringValue().equals("0%"));
    }

    private static Object render(JsonNode v) {
        return v.isNumber() ? (Object) v.asLong() : v.asString("");
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(object));
        Workloads.selectorImmutable(object, old, errs);
        return errs;
    }
}
