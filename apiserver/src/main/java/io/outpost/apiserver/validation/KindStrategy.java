package io.outpost.apiserver.validation;

import java.util.List;

import tools.jackson.databind.node.ObjectNode;

/**
 * What one kind's {@code strategy.go} and defaulting functions do to its objects, on the stored
 * JSON tree: defaulting writes into the tree, validation reads it. Object metadata is checked by
 * {@link Validation} for every kind with this kind's {@link #nameRule()}.
 *
 * <p>Implementations are stateless and shared by every request thread.
 */
public interface KindStrategy {

    /** How {@code metadata.name} is checked. */
    default Names.Rule nameRule() {
        return Names.Rule.DNS1123_SUBDOMAIN;
    }

    /** kube's {@code SetDefaults_*} for the kind, applied to every create and update body. */
    default void applyDefaults(ObjectNode object) {
    }

    /** kube's {@code PrepareForCreate} beyond the generic one, once uid and name are set (a Job's selector). */
    default void prepareForCreate(ObjectNode object) {
    }

    /**
     * The paths of fields ({@code spec.foo}) of a request body that the kind's schema does not
     * know, for {@code fieldValidation}. Built-in kinds leave this to the decoder, which knows
     * their types; a custom resource answers what its schema's pruning would drop.
     */
    default List<String> unknownFields(ObjectNode object) {
        return List.of();
    }

    /**
     * The kind's checks of a status write (the whole object after the new status is copied in);
     * built-in kinds' status rules are loose and not checked yet, a custom resource's schema
     * applies to its status as to the rest.
     */
    default List<FieldError> validateStatus(ObjectNode object) {
        return List.of();
    }

    /** The kind's {@code Validate}: spec and data fields, paths from the object's root. */
    default List<FieldError> validate(ObjectNode object) {
        return List.of();
    }

    /** The kind's {@code ValidateUpdate}: the new object's validity and what may not change. */
    default List<FieldError> validateUpdate(ObjectNode object, ObjectNode old) {
        return validate(object);
    }
}
