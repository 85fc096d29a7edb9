package io.outpost.apiserver.crd;

import java.util.List;

import io.outpost.apiserver.crd.schema.CustomSchema;
import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The full {@link CrdSchemas}: kube's structural-schema checks, value validation, pruning,
 * defaulting and {@code x-kubernetes-validations} rules, from {@link CustomSchema}. What the
 * server runs.
 *
 * <p>Immutable; thread-safe.
 */
public final class StructuralSchemas implements CrdSchemas {

    @Override
    public List<FieldError> check(JsonNode openAPIV3Schema, String path) {
        return CustomSchema.check(openAPIV3Schema, path);
    }

    @Override
    public VersionSchema compile(JsonNode openAPIV3Schema) {
        CustomSchema schema = CustomSchema.compile(openAPIV3Schema);
        return new VersionSchema() {
            @Override
            public List<String> prepareRequest(ObjectNode object) {
                return schema.prepareRequest(object);
            }

            @Override
            public List<FieldError> validate(ObjectNode object, ObjectNode old) {
                return schema.validate(object, old);
            }
        };
    }
}
