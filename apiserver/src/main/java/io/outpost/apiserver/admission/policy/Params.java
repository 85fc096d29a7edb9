package io.outpost.apiserver.admission.policy;

import java.util.List;
import java.util.Optional;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.ObjectSource;
import tools.jackson.databind.JsonNode;

/**
 * A binding's {@code paramRef}, resolved as kube does: by {@code name} or by {@code selector};
 * for a namespaced parameter kind in {@code paramRef.namespace}, or when that is empty in the
 * request's namespace (a cluster-scoped request then has no parameters to use).
 */
final class Params {

    private Params() {
    }

    /** Adds the selected parameters to {@code into}; a configuration problem is returned as its message. */
    static Optional<String> select(ObjectSource objects, ResourceType type, JsonNode paramRef, AdmissionAttributes a,
                                   List<JsonNode> into) {
        String namespace = "";
        if (type.namespaced()) {
            namespace = paramRef.path("namespace").asString("");
            if (namespace.isEmpty()) {
                namespace = a.namespace();
            }
            if (namespace.isEmpty()) {
                return Optional.of("failed to configure binding: cannot use namespaced paramRef in policy binding that "
                        + "matches cluster-scoped resources");
            }
        }
        String name = paramRef.path("name").asString("");
        if (!name.isEmpty()) {
            objects.get(type, namespace, name).ifPresent(into::add);
            return Optional.empty();
        }
        JsonNode selector = paramRef.path("selector");
        String ns = namespace;
        for (ObjectSource.Item item : objects.list(type).items()) {
            JsonNode object = item.object();
            boolean inNamespace = !type.namespaced() || object.path("metadata").path("namespace").asString("").equals(ns);
            if (inNamespace && ValidatingAdmissionPolicyPlugin.selects(selector, object)) {
                into.add(object);
            }
        }
        return Optional.empty();
    }
}
