package io.outpost.apiserver.crd;

import java.util.List;

import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The seam between serving CustomResourceDefinitions (this package) and their schemas
 * ({@code io.outpost.apiserver.crd.schema}): everything the CRD registry and the custom resource
 * handlers ask of a version's {@code openAPIV3Schema}. {@link BasicSchemas} is a small stand-in;
 * {@link StructuralSchemas} is the full one (structural checks, value validation, pruning,
 * defaulting, {@code x-kubernetes-validations}).
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface CrdSchemas {

    /**
     * Every reason kube would refuse this schema, with field paths under {@code path}
     * ({@code spec.versions[0].schema.openAPIV3Schema}); empty when it is acceptable.
     */
    List<FieldError> check(JsonNode openAPIV3Schema, String path);

    /** The schema ready to serve objects; only called with a schema {@link #check} accepted. */
    VersionSchema compile(JsonNode openAPIV3Schema);

    /** One served version's schema, applied to custom objects (whole objects, paths from their root). */
    interface VersionSchema {

        /**
         * A create or update body before validation: unknown fields pruned (never apiVersion, kind
         * or metadata), defaults applied, in place. Returns the pruned paths ({@code spec.foo}).
         */
        List<String> prepareRequest(ObjectNode object);

        /** The errors of an object ({@code old} is null on create, else feeds transition rules). */
        List<FieldError> validate(ObjectNode object, ObjectNode old);
    }
}
