package io.outpost.apiserver.crd.schema;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validates a custom object (or a default value) against its {@link Schema}, with the field
 * paths and texts kube-apiserver answers: kube-openapi's validator messages ({@code spec.replicas
 * in body should be less than or equal to 10}) wrapped in {@code field.Error}s the way
 * apiextensions-apiserver's {@code validation.ValidateCustomResource} converts them (required
 * becomes {@code Required value}, enum {@code Unsupported value}, maxLength {@code Too long},
 * maxItems/maxProperties {@code Too many}, a type mismatch {@code FieldValueTypeInvalid}).
 *
 * <p>Why our own validator and not networknt's json-schema-validator: its messages and JSON-pointer
 * paths differ from kube's in every case clients match on, OpenAPI v3's boolean
 * {@code exclusiveMaximum}, {@code nullable} and the {@code x-kubernetes-*} extensions are not
 * JSON Schema 2020-12, and patterns must follow Go's RE2, not java.util.regex. The keywords
 * a structural schema allows are few enough to validate directly.
 *
 * <p>Also here: {@code x-kubernetes-list-type} set/map uniqueness (kube's {@code listtype}
 * package) and the apiVersion/kind/metadata of embedded resources (kube's {@code objectmeta}).
 */
final class ValueValidator {

    private ValueValidator() {
    }

    /** All errors of {@code value} at {@code path} (kube's spelling: {@code spec.items[0].name}). */
    static List<FieldError> validate(Schema s, JsonNode value, String path) {
        return validate(s, value, null, path);
    }

    /**
     * All errors of an updated value, with kube's validation ratcheting (CRDValidationRatcheting, on
     * by default since 1.30): a value equal to the old object's value at the same place (object
     * properties and map values by key, map-list items by their keys) is not validated again, so
     * an object made invalid by a schema change can still be updated elsewhere.
     */
    static List<FieldError> validate(Schema s, JsonNode value, JsonNode old, String path) {
        List<FieldError> errs = new ArrayList<>();
        validate(s, value, old, path, errs, true);
        return errs;
    }

    private static void validate(Schema s, JsonNode v, JsonNode old, String path, List<FieldError> errs, boolean structural) {
        if (v == null || v.isMissingNode()) {
            return;
        }
        if (old != null && !old.isMissingNode() && same(v, old)) {
            return;
        }
        if (v.isNull()) {
            if (!s.nullable && structural && (!s.type.isEmpty() || s.intOrString)) {
                errs.add(FieldError.typeInvalid(path, "null", body(path) + "must be of type " + expectedType(s) + ": \"null\""));
            }
            return;
        }
        if (!typeMatches(s, v)) {
            errs.add(FieldError.typeInvalid(path, kind(v), body(path) + "must be of type " + expectedType(s) + ": \"" + kind(v) + "\""));
            return;
        }
        if (v.isString()) {
            validateString(s, v.stringValue(), v, path, errs);
        } else if (v.isNumber()) {
            validateNumber(s, v, path, errs);
        }
        if (s.enumValues != null && s.enumValues.stream().noneMatch(e -> same(e, v))) {
            errs.add(FieldError.notSupported(path, v, s.enumValues.stream().map(ValueValidator::enumText).toList()));
        }
        if (v.isArray()) {
            validateArray(s, v, old, path, errs);
        } else if (v.isObject()) {
            validateObject(s, (ObjectNode) v, old, path, errs);
        }
        for (Schema sub : s.allOf) {
            validate(sub, v, null, path, errs, false);
        }
        if (!s.anyOf.isEmpty() && s.anyOf.stream().noneMatch(sub -> validate(sub, v, path).isEmpty())) {
            errs.add(FieldError.invalid(path, v, quoted(path) + " must validate at least one schema (anyOf)"));
        }
        if (!s.oneOf.isEmpty()) {
            long passing = s.oneOf.stream().filter(sub -> validate(sub, v, path).isEmpty()).count();
            if (passing != 1) {
                errs.add(FieldError.invalid(path, v, quoted(path) + " must validate one and only one schema (oneOf)"));
            }
        }
        if (s.not != null && validate(s.not, v, path).isEmpty()) {
            errs.add(FieldError.invalid(path, v, quoted(path) + " must not validate the schema (not)"));
        }
    }

    private static void validateString(Schema s, String text, JsonNode v, String path, List<FieldError> errs) {
        long runes = text.codePointCount(0, text.length());
        if (s.maxLength != null && runes > s.maxLength) {
            errs.add(FieldError.tooLong(path, s.maxLength));
        }
        if (s.minLength != null && runes < s.minLength) {
            errs.add(FieldError.invalid(path, v, body(path) + "should be at least " + s.minLength + " chars long"));
        }
        if (s.pattern != null && !s.pattern.matcher(text).find()) {
            errs.add(FieldError.invalid(path, v, body(path) + "should match '" + s.patternSource + "'"));
        }
        if (!s.format.isEmpty() && !Formats.valid(s.format, text)) {
            errs.add(FieldError.invalid(path, v, body(path) + "must be of type " + s.format + ": " + FieldErrorText.quote(text)));
        }
    }

    private static void validateNumber(Schema s, JsonNode v, String path, List<FieldError> errs) {
        BigDecimal n = v.decimalValue();
        if (s.maximum != null) {
            int c = n.compareTo(s.maximum);
            if (s.exclusiveMaximum ? c >= 0 : c > 0) {
                errs.add(FieldError.invalid(path, v, body(path) + "should be less than " + (s.exclusiveMaximum ? "" : "or equal to ")
                        + plain(s.maximum)));
            }
        }
        if (s.minimum != null) {
            int c = n.compareTo(s.minimum);
            if (s.exclusiveMinimum ? c <= 0 : c < 0) {
                errs.add(FieldError.invalid(path, v, body(path) + "should be greater than " + (s.exclusiveMinimum ? "" : "or equal to ")
                        + plain(s.minimum)));
            }
        }
        if (s.multipleOf != null && s.multipleOf.signum() > 0 && n.remainder(s.multipleOf).signum() != 0) {
            errs.add(FieldError.invalid(path, v, body(path) + "should be a multiple of " + plain(s.multipleOf)));
        }
    }

    private static void validateArray(Schema s, JsonNode v, JsonNode old, String path, List<FieldError> errs) {
        int size = v.size();
        if (s.maxItems != null && size > s.maxItems) {
            errs.add(FieldError.tooMany(path, size, s.maxItems));
        }
        if (s.minItems != null && size < s.minItems) {
            errs.add(FieldError.invalid(path, v, body(path) + "should have at least " + s.minItems + " items"));
        }
        if (s.uniqueItems) {
            for (int i = 1; i < size; i++) {
                for (int j = 0; j < i; j++) {
                    if (same(v.get(i), v.get(j))) {
                        errs.add(FieldError.duplicate(Paths.index(path, i), v.get(i)));
                        break;
                    }
                }
            }
        }
        if (s.items != null) {
            Map<JsonNode, JsonNode> oldByKey = "map".equals(s.listType) && old != null && old.isArray() ? byKey(s, old) : Map.of();
            for (int i = 0; i < size; i++) {
                JsonNode item = v.get(i);
                JsonNode oldItem = oldByKey.isEmpty() || !item.isObject() ? null : oldByKey.get(canonical(mapKey(s, item)));
                validate(s.items, item, oldItem, Paths.index(path, i), errs, true);
            }
        }
        listUniqueness(s, v, path, errs);
    }

    /** kube's listtype.ValidateListSetsAndMaps: a set holds no value twice, a map no key twice. */
    private static void listUniqueness(Schema s, JsonNode v, String path, List<FieldError> errs) {
        if ("set".equals(s.listType)) {
            Set<JsonNode> seen = new HashSet<>();
            for (int i = 0; i < v.size(); i++) {
                if (!seen.add(canonical(v.get(i)))) {
                    errs.add(FieldError.duplicate(Paths.index(path, i), v.get(i)));
                }
            }
        } else if ("map".equals(s.listType) && !s.listMapKeys.isEmpty()) {
            Set<JsonNode> seen = new HashSet<>();
            for (int i = 0; i < v.size(); i++) {
                JsonNode item = v.get(i);
                if (!item.isObject()) {
                    continue;
                }
                ObjectNode key = mapKey(s, item);
                if (!seen.add(canonical(key))) {
                    errs.add(FieldError.duplicate(Paths.index(path, i), key));
                }
            }
        }
    }

    /** The key fields of a map-list item (a missing key takes its default), as an object. */
    static ObjectNode mapKey(Schema s, JsonNode item) {
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        for (String k : s.listMapKeys) {
            JsonNode kv = item.get(k);
            if (kv == null && s.items != null && s.items.properties.containsKey(k)) {
                kv = s.items.properties.get(k).defaultValue;
            }
            if (kv != null) {
                key.set(k, kv);
            }
        }
        return key;
    }

    private static Map<JsonNode, JsonNode> byKey(Schema s, JsonNode list) {
        Map<JsonNode, JsonNode> out = new java.util.HashMap<>();
        for (JsonNode item : list) {
            if (item.isObject()) {
                out.putIfAbsent(canonical(mapKey(s, item)), item);
            }
        }
        return out;
    }

    private static void validateObject(Schema s, ObjectNode v, JsonNode old, String path, List<FieldError> errs) {
        for (String r : s.required) {
            if (!v.has(r)) {
                errs.add(FieldError.required(Paths.child(path, r), ""));
            }
        }
        int size = v.size();
        if (s.maxProperties != null && size > s.maxProperties) {
            errs.add(FieldError.tooMany(path, size, s.maxProperties));
        }
        if (s.minProperties != null && size < s.minProperties) {
            errs.add(FieldError.invalid(path, v, body(path) + "should have at least " + s.minProperties + " properties"));
        }
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            Schema p = s.property(e.getKey());
            if (p != null) {
                JsonNode oldValue = old == null || !old.isObject() ? null : old.get(e.getKey());
                validate(p, e.getValue(), oldValue, Paths.child(path, e.getKey()), errs, true);
            }
        }
        if (s.embeddedResource) {
            errs.addAll(EmbeddedResources.validate(v, path));
        }
    }

    static boolean typeMatches(Schema s, JsonNode v) {
        if (s.intOrString) {
            return v.isIntegralNumber() || v.isString();
        }
        return switch (s.type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isString();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            default -> true;
        };
    }

    private static String expectedType(Schema s) {
        return s.intOrString ? "integer,string" : s.type;
    }

    /** The JSON kind of a value as kube-openapi names it in type errors. */
    static String kind(JsonNode v) {
        if (v.isObject()) {
            return "object";
        } else if (v.isArray()) {
            return "array";
        } else if (v.isString()) {
            return "string";
        } else if (v.isIntegralNumber()) {
            return "integer";
        } else if (v.isNumber()) {
            return "number";
        } else if (v.isBoolean()) {
            return "boolean";
        }
        return "null";
    }

    /** kube-openapi's "&lt;path&gt; in body " prefix. */
    private static String body(String path) {
        return path.isEmpty() ? "body " : path + " in body ";
    }

    private static String quoted(String path) {
        return "\"" + path + "\"";
    }

    private static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    private static String enumText(JsonNode e) {
        return e.isString() ? e.stringValue() : e.toString();
    }

    /** JSON equality with numbers compared by value (1 equals 1.0), without copying either tree. */
    static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                JsonNode other = b.get(e.getKey());
                if (other == null || !same(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** A copy in which every number is a BigDecimal without trailing zeros, for equality and hashing. */
    static JsonNode canonical(JsonNode v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v.isNumber()) {
            return f.numberNode(v.decimalValue().stripTrailingZeros());
        }
        if (v.isArray()) {
            var out = f.arrayNode();
            v.values().forEach(e -> out.add(canonical(e)));
            return out;
        }
        if (v.isObject()) {
            ObjectNode out = f.objectNode();
            v.properties().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> out.set(e.getKey(), canonical(e.getValue())));
            return out;
        }
        return v;
    }

    /** Quotes as Go's %q does for the common cases. */
    static final class FieldErrorText {
        private FieldErrorText() {
        }

        static String quote(String s) {
            return s.chars().mapToObj(c -> switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\t' -> "\\t";
                default -> String.valueOf((char) c);
            }).collect(Collectors.joining("", "\"", "\""));
        }
    }
}
