package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * apps/v1 ControllerRevisions, as kube's {@code ValidateControllerRevisionCreate} and
 * {@code ValidateControllerRevisionUpdate}: {@code data} is mandatory and never changes (a revision
 * is a snapshot of a template: DaemonSets and StatefulSets compare it byte for byte, and
 * {@code kubectl rollout undo} patches it back), {@code revision} is not negative and may change
 * (a controller renumbers an old revision when a rollback makes it current again).
 */
final class ControllerRevisionValidation implements KindStrategy {

    @Override
    public List<FieldError> validate(ObjectNode revision) {
        List<FieldError> errs = new ArrayList<>();
        if (Trees.absent(revision, "data")) {
            errs.add(FieldError.required("data", "data is mandatory"));
        }
        Workloads.nonNegative(revision, "revision", "", errs);
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode revision, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(revision));
        JsonNode now = revision.path("data");
        if (!now.equals(old.path("data"))) {
            errs.add(FieldError.invalid("data", now, "field is immutable"));
        }
        return errs;
    }
}
