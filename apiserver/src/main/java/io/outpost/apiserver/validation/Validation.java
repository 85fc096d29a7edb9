package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import io.outpost.api.ResourceType;
import tools.jackson.databind.node.ObjectNode;

/**
 * The registry's one door to defaulting and validation: metadata for every kind, then the kind's
 * own {@link KindStrategy}. Results are lists of {@link FieldError}, empty when valid; the
 * registry turns a non-empty list into one 422 Invalid Status.
 *
 * <p>Thread model: immutable; shared by every request thread.
 */
public final class Validation {

    private final Strategies strategies;

    public Validation(Strategies strategies) {
        this.strategies = strategies;
    }

    /** Defaults of a create or update body, written into it. */
    public void applyDefaults(ResourceType type, ObjectNode object) {
        strategies.forKind(type.kind()).applyDefaults(object);
    }

    /** After the generic create preparation (uid, name set). */
    public void prepareForCreate(ResourceType type, ObjectNode object) {
        strategies.forKind(type.kind()).prepareForCreate(object);
    }

    public List<FieldError> validateCreate(ResourceType type, ObjectNode object) {
        KindStrategy strategy = strategies.forKind(type.kind());
        List<FieldError> errs = new ArrayList<>(MetadataValidation.validate(object.path("metadata"), type.namespaced(), strategy.nameRule()));
        errs.addAll(strategy.validate(object));
        return errs;
    }

    public List<FieldError> validateUpdate(ResourceType type, ObjectNode object, ObjectNode old) {
        KindStrategy strategy = strategies.forKind(type.kind());
        List<FieldError> errs = new ArrayList<>(MetadataValidation.validate(object.path("metadata"), type.namespaced(), strategy.nameRule()));
        errs.addAll(MetadataValidation.validateUpdate(object.path("metadata"), old.path("metadata")));
        errs.addAll(strategy.validateUpdate(object, old));
        return errs;
    }

    /**
     * A status write: kube's per-kind status validation is loose (conditions and counts); we check
     * the object's metadata, which a status write cannot change anyway, and that status is an object.
     */
    public List<FieldError> validateStatusUpdate(ResourceType type, ObjectNode object) {
        List<FieldError> errs = new ArrayList<>(MetadataValidation.validate(object.path("metadata"), type.namespaced(),
                strategies.forKind(type.kind()).nameRule()));
        if (!Trees.absent(object, "status") && !object.path("status").isObject()) {
            errs.add(FieldError.invalid("status", object.get("status"), "must be an object"));
        } else {
            errs.addAll(strategies.forKind(type.kind()).validateStatus(object));
        }
        return errs;
    }
}
