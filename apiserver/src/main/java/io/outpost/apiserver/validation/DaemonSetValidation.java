package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * DaemonSets: kube's apps/v1 {@code SetDefaults_DaemonSet} (a RollingUpdate of one unavailable
 * node and no surge, ten old revisions kept) and {@code ValidateDaemonSetSpec}: selector and
 * template as every apps/v1 kind, the update strategy, an immutable selector. There is no
 * {@code replicas}: one pod per eligible node.
 */
final class DaemonSetValidation implements KindStrategy {

    static final List<String> STRATEGIES = List.of("RollingUpdate", "OnDelete");

    @Override
    public void applyDefaults(ObjectNode daemonSet) {
        ObjectNode spec = Trees.object(daemonSet, "spec");
        ObjectNode strategy = Trees.object(spec, "updateStrategy");
        Trees.defaultText(strategy, "type", "RollingUpdate");
        if (Trees.text(strategy, "type").equals("RollingUpdate")) {
            ObjectNode rolling = Trees.object(strategy, "rollingUpdate");
            Trees.defaultLong(rolling, "maxUnavailable", 1);
            Trees.defaultLong(rolling, "maxSurge", 0);
        }
        Trees.defaultLong(spec, "revisionHistoryLimit", 10);
        Workloads.defaultTemplate(spec);
    }

    @Override
    public List<FieldError> validate(ObjectNode daemonSet) {
        JsonNode spec = daemonSet.path("spec");
        List<FieldError> errs = new ArrayList<>(Workloads.validateSpec(spec, "daemonset", true));
        Workloads.nonNegative(spec, "minReadySeconds", "spec.", errs);
        Workloads.nonNegative(spec, "revisionHistoryLimit", "spec.", errs);
        JsonNode strategy = spec.path("updateStrategy");
        String type = Trees.text(strategy, "type");
        if (type.equals("RollingUpdate")) {
            if (Trees.absent(strategy, "rollingUpdate")) {
                errs.add(FieldError.required("spec.updateStrategy.rollingUpdate", ""));
            } else {
                Workloads.rollingUpdate(strategy.path("rollingUpdate"), "spec.updateStrategy.rollingUpdate.", errs);
            }
        } else if (!type.equals("OnDelete")) {
            errs.add(FieldError.notSupported("spec.updateStrategy", strategy, STRATEGIES));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode daemonSet, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(daemonSet));
        Workloads.selectorImmutable(daemonSet, old, errs);
        return errs;
    }
}
