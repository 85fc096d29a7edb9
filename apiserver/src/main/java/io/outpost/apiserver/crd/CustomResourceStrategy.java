package io.outpost.apiserver.crd;

import java.util.List;

import io.outpost.apiserver.validation.FieldError;
import io.outpost.apiserver.validation.KindStrategy;
import tools.jackson.databind.node.ObjectNode;

/**
 * The strategy of one served version of a custom resource (kube's {@code customResourceStrategy}):
 * bodies are pruned and defaulted by the version's schema, then validated against it; the
 * registry checks the metadata as for every kind.
 *
 * <p>Immutable; shared by every request of the resource.
 */
record CustomResourceStrategy(CrdSchemas.VersionSchema schema) implements KindStrategy {

    @Override
    public void applyDefaults(ObjectNode object) {
        schema.prepareRequest(object);
    }

    @Override
    public List<String> unknownFields(ObjectNode object) {
        return schema.prepareRequest(object.deepCopy());
    }

    /** kube's customResourceStatusStrategy validates the whole object against the schema. */
    @Override
    public List<FieldError> validateStatus(ObjectNode object) {
        return schema.validate(object, null);
    }

    @Override
    public List<FieldError> validate(ObjectNode object) {
        return schema.validate(object, null);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode object, ObjectNode old) {
        return schema.validate(object, old);
    }
}
