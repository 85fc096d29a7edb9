package io.outpost.tunnel;

import java.util.List;
import java.util.Map;

/**
 * The few reads {@link PodReferences} makes of a pod's JSON, whatever holds it: the server's
 * Jackson tree ({@link JsonNodeTree}) or the plain maps, lists and strings the agent parses a pod
 * into without Jackson databind ({@link #ofPlain}). One walk over this interface is the one
 * reading of which fields reference ConfigMaps and Secrets, so both ends agree.
 *
 * <p>Reads never fail: a missing field, or a value of another kind than expected, reads as
 * {@link #MISSING}, which has no fields, no elements and no text.
 *
 * <p>Thread model: immutable views of immutable values.
 */
public sealed interface JsonTree permits JsonNodeTree, JsonTree.Plain {

    /** Nothing: the value of a missing field. */
    JsonTree MISSING = new Plain(null);

    /** The value of {@code field}, if this is an object that has it; else {@link #MISSING}. */
    JsonTree path(String field);

    /** The elements, if this is an array; else none. */
    List<JsonTree> elements();

    /** The text, if this is a string; else {@code ""}. */
    String text();

    /**
     * A tree over plain Java values as JSON parsers produce them without a binding: a
     * {@code Map<String, ?>} for an object, a {@code List<?>} for an array, a {@code String},
     * numbers, booleans and null.
     */
    static JsonTree ofPlain(Object value) {
        return new Plain(value);
    }

    /** The adapter of {@link #ofPlain}. */
    record Plain(Object value) implements JsonTree {

        @Override
        public JsonTree path(String field) {
            return value instanceof Map<?, ?> map && map.get(field) != null ? new Plain(map.get(field)) : MISSING;
        }

        @Override
        public List<JsonTree> elements() {
            return value instanceof List<?> list ? list.stream().<JsonTree>map(Plain::new).toList() : List.of();
        }

        @Override
        public String text() {
            return value instanceof String s ? s : "";
        }
    }
}
