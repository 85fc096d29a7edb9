package io.outpost.apiserver.validation;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Small reads and defaulting writes on object trees; a missing or null field counts as absent. */
final class Trees {

    private Trees() {
    }

    /** The child object, created if absent (defaulting writes into it). */
    static ObjectNode object(ObjectNode parent, String field) {
        return parent.get(field) instanceof ObjectNode o ? o : parent.putObject(field);
    }

    static boolean absent(JsonNode parent, String field) {
        return parent.path(field).isMissingNode() || parent.path(field).isNull();
    }

    /** A string field, or "" if absent (as a Go zero value). */
    static String text(JsonNode parent, String field) {
        JsonNode v = parent.path(field);
        return v.isString() ? v.stringValue() : v.isValueNode() && !v.isNull() ? v.asString() : "";
    }

    static void defaultText(ObjectNode parent, String field, String value) {
        if (text(parent, field).isEmpty()) {
            parent.put(field, value);
        }
    }

    /** An int node, as the store's trees read small numbers back, so defaulted and stored trees compare equal. */
    static void defaultLong(ObjectNode parent, String field, int value) {
        if (absent(parent, field)) {
            parent.put(field, value);
        }
    }

    static void defaultBoolean(ObjectNode parent, String field, boolean value) {
        if (absent(parent, field)) {
            parent.put(field, value);
        }
    }

    /** The object elements of an array field, skipping anything else. */
    static Iterable<ObjectNode> objects(JsonNode parent, String field) {
        java.util.List<ObjectNode> out = new java.util.ArrayList<>();
        if (parent.path(field) instanceof ArrayNode array) {
            for (JsonNode n : array) {
                if (n instanceof ObjectNode o) {
                    out.add(o);
                }
            }
        }
        return out;
    }

    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : node.properties()) {
            out.put(e.getKey(), e.getValue().isString() ? e.getValue().stringValue() : e.getValue().toString());
        }
        return out;
    }
}
