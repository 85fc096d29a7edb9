package io.outpost.apiserver.cel;

import dev.cel.common.values.NullValue;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
  * Converts between Jackson trees and the values CEL evaluates on: an object becomes a
  * {@code map(string, dyn)}, an array a {@code list(dyn)}, a string a {@code string}, an integral
  * number an {@code int} (64-bit; a larger one a {@code double}, as kube's unstructured values do),
  * a fractional number a {@code double}, a boolean a {@code bool} and JSON null CEL's
  * {@code null}. The conversion copies, so a tree changed later never changes an evaluation.
  */
public final class CelValues {

    private CelValues() {}

    /** The CEL value of {@code node}; a missing node (Jackson's {@code MissingNode}) is CEL null. */
    public static Object fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NullValue.NULL_VALUE;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                map.put(field.getKey(), fromJson(field.getValue()));
            }
            return Collections.unmodifiableMap(map);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                list.add(fromJson(element));
            }
            return Collections.unmodifiableList(list);
        }
        if (node.isString()) {
            return node.stringValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        return node.asString();
    }

    /**
      * The JSON form of a CEL result, for messages, audit annotations and variables; a value with
      * no JSON form (a quantity, a URL, a type) is written as its string form.
      */
    public static JsonNode toJson(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (value) {
            case null -> f.nullNode();
            case NullValue n -> f.nullNode();
            case com.google.protobuf.NullValue n -> f.nullNode();
            case String s -> f.stringNode(s);
            case Boolean b -> f.booleanNode(b);
            case Long l -> f.numberNode(l);
            case Integer i -> f.numberNode(i.longValue());
            case Double d -> f.numberNode(d);
            case com.google.common.primitives.UnsignedLong u -> f.numberNode(u.bigIntegerValue());
            case BigInteger b -> f.numberNode(b);
            case Optional<?> o -> o.isPresent() ? toJson(o.get()) : f.nullNode();
            case Map<?, ?> m -> {
                ObjectNode object = f.objectNode();
                m.forEach((k, v) -> object.set(String.valueOf(k), toJson(v)));
                yield object;
            }
            case List<?> l -> {
                ArrayNode array = f.arrayNode();
                l.forEach(v -> array.add(toJson(v)));
                yield array;
            }
            default -> f.stringNode(String.valueOf(value));
        };
    }
}
