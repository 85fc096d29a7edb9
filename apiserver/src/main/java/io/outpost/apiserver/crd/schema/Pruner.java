package io.outpost.apiserver.crd.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * kube's {@code apiserver/schema/pruning}: removes every field the schema does not specify,
 * unless an {@code x-kubernetes-preserve-unknown-fields} or {@code additionalProperties} keeps it.
 * apiVersion, kind and metadata of the resource root and of embedded resources are kept, metadata
 * coerced to ObjectMeta's fields ({@link EmbeddedResources#coerceMetadata}). The paths
 * of what was removed are returned, for fieldValidation=Strict/Warn ({@code unknown field "spec.foo"}).
 */
final class Pruner {

    private Pruner() {
    }

    /** Prunes {@code object} (a whole custom resource) in place; returns the removed paths in document order. */
    static List<String> pruneResource(ObjectNode object, Schema schema) {
        List<String> pruned = new ArrayList<>();
        pruneObject(object, schema, "", true, pruned);
        return pruned;
    }

    /** Prunes a value below the root (a default, say), in place. */
    static List<String> prune(JsonNode value, Schema schema, String path) {
        List<String> pruned = new ArrayList<>();
        prune(value, schema, path, pruned);
        return pruned;
    }

    private static void prune(JsonNode value, Schema s, String path, List<String> pruned) {
        if (value instanceof ObjectNode o) {
            pruneObject(o, s, path, s != null && s.embeddedResource, pruned);
        } else if (value != null && value.isArray()) {
            if (s != null && s.items == null && s.preserveUnknownFields) {
                return;
            }
            Schema items = s == null ? null : s.items;
            for (int i = 0; i < value.size(); i++) {
                prune(value.get(i), items, Paths.index(path, i), pruned);
            }
        }
    }

    private static void pruneObject(ObjectNode o, Schema s, String path, boolean resourceRoot, List<String> pruned) {
        if (s != null && s.additionalPropertiesAllowed()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : List.copyOf(o.properties())) {
            String k = e.getKey();
            String child = Paths.child(path, k);
            if (resourceRoot && (k.equals("apiVersion") || k.equals("kind"))) {
                continue;
            }
            if (resourceRoot && k.equals("metadata")) {
                EmbeddedResources.coerceMetadata(o, path, pruned);
                continue;
            }
            Schema p = s == null ? null : s.properties.get(k);
            if (p != null) {
                prune(e.getValue(), p, child, pruned);
            } else if (s != null && s.additionalProperties != null) {
                prune(e.getValue(), s.additionalProperties, child, pruned);
            } else if (s == null || !s.preserveUnknownFields) {
                o.remove(k);
                pruned.add(child);
            }
        }
    }
}
