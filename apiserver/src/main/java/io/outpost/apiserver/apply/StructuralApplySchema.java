package io.outpost.apiserver.apply;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;

/**
 * The apply schema of a custom resource version, read from its structural
 * {@code openAPIV3Schema}: {@code x-kubernetes-list-type} ({@code atomic}, the default, {@code set}
 * or {@code map}), {@code x-kubernetes-list-map-keys} with the keys' {@code default}s, and
 * {@code x-kubernetes-map-type: atomic}. A path steps through {@code properties}, then
 * {@code additionalProperties} for the keys of a map, and through {@code items} of a list without a
 * path segment, as {@link ApplySchema} paths do.
 *
 * <pre>{@code
 * ApplySchema schema = StructuralApplySchema.of(crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema"));
 * }</pre>
 *
 * <p>The schema must already have passed the CRD structural check; a path it does not describe is
 * atomic (lists) or granular (objects). Immutable apart from a cache of looked-up paths; safe from
 * any thread.
 */
public final class StructuralApplySchema implements ApplySchema {

    private final JsonNode root;
    private final Map<String, ListType> lists = new ConcurrentHashMap<>();
    private final Map<String, Boolean> atomicObjects = new ConcurrentHashMap<>();

    private StructuralApplySchema(JsonNode root) {
        this.root = root;
    }

    public static StructuralApplySchema of(JsonNode openAPIV3Schema) {
        return new StructuralApplySchema(openAPIV3Schema);
    }

    @Override
    public ListType list(String path) {
        return lists.computeIfAbsent(path, p -> {
            JsonNode node = find(p);
            if (node == null) {
                return ListType.ATOMIC;
            }
            return switch (node.path("x-kubernetes-list-type").asString("")) {
                case "set" -> ListType.SET;
                case "map" -> mapList(node);
                default -> ListType.ATOMIC;
            };
        });
    }

    private static ListType mapList(JsonNode node) {
        List<String> keys = node.path("x-kubernetes-list-map-keys").valueStream().map(k -> k.asString("")).toList();
        if (keys.isEmpty()) {
            return ListType.ATOMIC; // refused by the structural check; never served
        }
        Map<String, JsonNode> defaults = new LinkedHashMap<>();
        for (String key : keys) {
            JsonNode value = node.path("items").path("properties").path(key).get("default");
            if (value != null && !value.isNull()) {
                defaults.put(key, value);
            }
        }
        return new ListType(ListType.Kind.MAP, keys, defaults);
    }

    @Override
    public boolean atomicObject(String path) {
        return atomicObjects.computeIfAbsent(path, p -> {
            JsonNode node = find(p);
            return node != null && node.path("x-kubernetes-map-type").asString("").equals("atomic");
        });
    }

    /** The schema node at a path, or null. */
    private JsonNode find(String path) {
        JsonNode node = root;
        if (path.isEmpty()) {
            return node;
        }
        for (String field : path.split("\\.")) {
            while (node.path("type").asString("").equals("array") && node.has("items")) {
                node = node.get("items");
            }
            JsonNode next = node.path("properties").get(field);
            if (next == null && node.path("additionalProperties").isObject()) {
                next = node.get("additionalProperties");
            }
            if (next == null) {
                return null;
            }
            node = next;
        }
        return node;
    }
}
