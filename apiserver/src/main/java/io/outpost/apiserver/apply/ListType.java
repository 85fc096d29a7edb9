package io.outpost.apiserver.apply;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * How server-side apply treats one list: structured-merge-diff's list element relationship,
 * published as {@code x-kubernetes-list-type} and {@code x-kubernetes-list-map-keys}.
 *
 * @param kind        atomic (replaced and owned whole), set (of scalars, each owned apart) or
 *                    map (of objects identified by {@code keys}, each owned apart)
 * @param keys        the key fields of a map list, in the order kube lists them; empty otherwise
 * @param keyDefaults the value a missing key field takes ({@code protocol: TCP} of ports), as the
 *                    schema's {@code default} does in kube
 */
public record ListType(Kind kind, List<String> keys, Map<String, JsonNode> keyDefaults) {

    /** structured-merge-diff's element relationships for lists. */
    public enum Kind {
        /** Replaced whole by whoever sets it; one owner for the whole list. */
        ATOMIC,
        /** A set of scalars: each value is owned on its own ({@code v:} in fieldsV1). */
        SET,
        /** Objects identified by key fields: each element is owned on its own ({@code k:} in fieldsV1). */
        MAP
    }

    public static final ListType ATOMIC = new ListType(Kind.ATOMIC, List.of(), Map.of());
    public static final ListType SET = new ListType(Kind.SET, List.of(), Map.of());

    public ListType {
        keys = List.copyOf(keys);
        keyDefaults = Map.copyOf(keyDefaults);
        if ((kind == Kind.MAP) == keys.isEmpty()) {
            throw new IllegalArgumentException("a map list needs key fields, and only a map list has them");
        }
    }

    /** A map list keyed by {@code keys}, no defaults. */
    public static ListType map(String... keys) {
        return new ListType(Kind.MAP, List.of(keys), Map.of());
    }
}
