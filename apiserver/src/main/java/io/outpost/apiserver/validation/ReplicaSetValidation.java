package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.node.ObjectNode;

/**
 * ReplicaSets: kube's apps/v1 {@code SetDefaults_ReplicaSet} (one replica) and
 * {@code ValidateReplicaSetSpec}, which names the kind "deployment" in its empty-selector
 * message (kube shares the text); an immutable selector on update.
 */
final class ReplicaSetValidation implements KindStrategy {

    @Override
    public void applyDefaults(ObjectNode replicaSet) {
        ObjectNode spec = Trees.object(replicaSet, "spec");
        Trees.defaultLong(spec, "replicas", 1);
        Workloads.defaultTemplate(spec);
    }

    @Override
    public List<FieldError> validate(ObjectNode replicaSet) {
        List<FieldError> errs = new ArrayList<>(Workloads.validateSpec(replicaSet.path("spec"), "deployment", true));
        Workloads.nonNegative(replicaSet.path("spec"), "minReadySeconds", "spec.", errs);
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode replicaSet, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(replicaSet));
        Workloads.selectorImmutable(replicaSet, old, errs);
        return errs;
    }
}
