package io.outpost.apiserver.crd.schema;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * kube's {@code apiserver/schema/defaulting}: a property that is absent (or null where the schema
 * does not allow null) gets a deep copy of its schema's default, then defaulting descends into
 * every property, additionalProperties value and array item, so defaults nested inside a default
 * apply too. {@link #pruneNulls} is kube's {@code PruneNonNullableNullsWithoutDefaults}, run on
 * requests before defaulting: a null where the schema allows none and gives no default is dropped.
 */
final class Defaulter {

    private Defaulter() {
    }

    static void apply(JsonNode value, Schema s) {
        if (s == null || value == null) {
            return;
        }
        if (value instanceof ObjectNode o) {
            for (Map.Entry<String, Schema> e : s.properties.entrySet()) {
                Schema p = e.getValue();
                if (p.defaultValue == null) {
                    continue;
                }
                JsonNode current = o.get(e.getKey());
                if (current == null || (current.isNull() && !p.nullable)) {
                    o.set(e.getKey(), p.defaultValue.deepCopy());
                }
            }
            for (Map.Entry<String, JsonNode> e : List.copyOf(o.properties())) {
                Schema p = s.properties.get(e.getKey());
                apply(e.getValue(), p != null ? p : s.additionalProperties);
            }
        } else if (value.isArray()) {
            for (JsonNode item : value) {
                apply(item, s.items);
            }
        }
    }

    static void pruneNulls(JsonNode value, Schema s) {
        if (s == null || value == null) {
            return;
        }
        if (value instanceof ObjectNode o) {
            for (Map.Entry<String, JsonNode> e : List.copyOf(o.properties())) {
                Schema p = s.properties.get(e.getKey());
                if (p == null) {
                    p = s.additionalProperties;
                }
                if (p == null) {
                    continue;
                }
                if (e.getValue().isNull()) {
                    if (!p.nullable && p.defaultValue == null) {
                        o.remove(e.getKey());
                    }
                } else {
                    pruneNulls(e.getValue(), p);
                }
            }
        } else if (value.isArray()) {
            for (JsonNode item : value) {
                pruneNulls(item, s.items);
            }
        }
    }
}
