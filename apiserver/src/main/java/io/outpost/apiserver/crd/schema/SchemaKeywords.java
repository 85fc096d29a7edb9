package io.outpost.apiserver.crd.schema;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.JsonNode;

/**
 * The keyword rules of kube's {@code apis/apiextensions/validation} for every node of an
 * openAPIV3Schema, nested under a junctor or not: what OpenAPI offers but a CRD may not use
 * ({@code $ref}, {@code definitions}, {@code uniqueItems}, ...), the known types, patterns that
 * compile as Go RE2, and the {@code x-kubernetes-list-type}/{@code -list-map-keys}/{@code -map-type}
 * rules.
 */
final class SchemaKeywords {

    private static final List<String> TYPES = List.of("array", "boolean", "integer", "number", "object", "string");

    /** The JSON shape of each keyword of JSONSchemaProps, which kube's decoder enforces. */
    private enum Shape { STRING, NUMBER, INTEGER, BOOLEAN, STRINGS, ARRAY, SCHEMAS, OBJECT, SCHEMA_MAP, OBJECTS }

    private static final Map<String, Shape> SHAPES = Map.ofEntries(
            Map.entry("type", Shape.STRING), Map.entry("format", Shape.STRING), Map.entry("title", Shape.STRING),
            Map.entry("description", Shape.STRING), Map.entry("pattern", Shape.STRING),
            Map.entry("x-kubernetes-list-type", Shape.STRING), Map.entry("x-kubernetes-map-type", Shape.STRING),
            Map.entry("maximum", Shape.NUMBER), Map.entry("minimum", Shape.NUMBER), Map.entry("multipleOf", Shape.NUMBER),
            Map.entry("maxLength", Shape.INTEGER), Map.entry("minLength", Shape.INTEGER), Map.entry("maxItems", Shape.INTEGER),
            Map.entry("minItems", Shape.INTEGER), Map.entry("maxProperties", Shape.INTEGER), Map.entry("minProperties", Shape.INTEGER),
            Map.entry("exclusiveMaximum", Shape.BOOLEAN), Map.entry("exclusiveMinimum", Shape.BOOLEAN),
            Map.entry("uniqueItems", Shape.BOOLEAN), Map.entry("nullable", Shape.BOOLEAN),
            Map.entry("x-kubernetes-preserve-unknown-fields", Shape.BOOLEAN), Map.entry("x-kubernetes-embedded-resource", Shape.BOOLEAN),
            Map.entry("x-kubernetes-int-or-string", Shape.BOOLEAN),
            Map.entry("required", Shape.STRINGS), Map.entry("x-kubernetes-list-map-keys", Shape.STRINGS),
            Map.entry("enum", Shape.ARRAY),
            Map.entry("allOf", Shape.SCHEMAS), Map.entry("anyOf", Shape.SCHEMAS), Map.entry("oneOf", Shape.SCHEMAS),
            Map.entry("not", Shape.OBJECT), Map.entry("properties", Shape.SCHEMA_MAP),
            Map.entry("x-kubernetes-validations", Shape.OBJECTS));

    private SchemaKeywords() {
    }

    static void check(JsonNode n, String path, List<FieldError> errs) {
        if (!n.isObject()) {
            errs.add(FieldError.invalid(path, n, "must be a schema object"));
            return;
        }
        int before = errs.size();
        shapes(n, path, errs);
        if (errs.size() > before) {
            return; // the other rules read keywords of the right shape only
        }
        forbid(n, "$ref", path, "$ref is not supported", errs);
        forbid(n, "$schema", path, "$schema is not supported", errs);
        forbid(n, "id", path, "id is not supported", errs);
        forbid(n, "definitions", path, "definitions are not supported", errs);
        forbid(n, "dependencies", path, "dependencies are not supported", errs);
        forbid(n, "patternProperties", path, "patternProperties is not supported", errs);
        forbid(n, "additionalItems", path, "additionalItems is not supported", errs);
        if (n.path("uniqueItems").asBoolean(false)) {
            errs.add(FieldError.forbidden(Paths.child(path, "uniqueItems"), "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }
        JsonNode type = n.get("type");
        if (type != null && (!type.isString() || !TYPES.contains(type.stringValue()))) {
            errs.add(FieldError.notSupported(Paths.child(path, "type"), type, TYPES));
        }
        JsonNode additional = n.get("additionalProperties");
        if (additional != null) {
            String ap = Paths.child(path, "additionalProperties");
            if (additional.isBoolean() && !additional.booleanValue()) {
                errs.add(FieldError.forbidden(ap, "additionalProperties cannot be set to false"));
            } else if (additional.isObject() && n.path("properties").size() > 0) {
                errs.add(FieldError.forbidden(ap, "additionalProperties and properties are mutual exclusive"));
            }
        }
        if (n.path("items").isArray()) {
            errs.add(FieldError.forbidden(Paths.child(path, "items"), "items must be a schema object and not an array"));
        }
        JsonNode preserve = n.get("x-kubernetes-preserve-unknown-fields");
        if (preserve != null && !(preserve.isBoolean() && preserve.booleanValue())) {
            errs.add(FieldError.invalid(Paths.child(path, "x-kubernetes-preserve-unknown-fields"), preserve, "must be true or undefined"));
        }
        JsonNode pattern = n.get("pattern");
        if (pattern != null && pattern.isString()) {
            try {
                Pattern.compile(pattern.stringValue());
            } catch (PatternSyntaxException e) {
                errs.add(FieldError.invalid(Paths.child(path, "pattern"), pattern.stringValue(),
                        "must be a valid regular expression, but isn't: " + e.getMessage()));
            }
        }
        listType(n, path, errs);
        mapType(n, path, errs);

        for (Map.Entry<String, JsonNode> e : n.path("properties").properties()) {
            check(e.getValue(), Paths.key(Paths.child(path, "properties"), e.getKey()), errs);
        }
        if (n.path("items").isObject()) {
            check(n.get("items"), Paths.child(path, "items"), errs);
        }
        if (additional != null && additional.isObject()) {
            check(additional, Paths.child(path, "additionalProperties"), errs);
        }
        for (String junctor : List.of("allOf", "anyOf", "oneOf")) {
            JsonNode list = n.path(junctor);
            for (int i = 0; i < list.size(); i++) {
                check(list.get(i), Paths.index(Paths.child(path, junctor), i), errs);
            }
        }
        if (n.path("not").isObject()) {
            check(n.get("not"), Paths.child(path, "not"), errs);
        }
    }

    /**
     * Keywords of the wrong JSON type: kube's decoder refuses those before any rule runs
     * ({@code cannot unmarshal string into ... of type []string}); here they are field errors.
     */
    private static void shapes(JsonNode n, String path, List<FieldError> errs) {
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            Shape shape = SHAPES.get(e.getKey());
            JsonNode v = e.getValue();
            if (shape == null || v.isNull()) {
                continue;
            }
            String problem = switch (shape) {
                case STRING -> v.isString() ? null : "must be a string";
                case NUMBER -> v.isNumber() ? null : "must be a number";
                case INTEGER -> v.isIntegralNumber() && v.longValue() >= 0 ? null : "must be a non-negative integer";
                case BOOLEAN -> v.isBoolean() ? null : "must be a boolean";
                case STRINGS -> v.isArray() && v.valueStream().allMatch(JsonNode::isString) ? null : "must be a list of strings";
                case ARRAY -> v.isArray() ? null : "must be a list";
                case SCHEMAS, OBJECTS -> v.isArray() && v.valueStream().allMatch(JsonNode::isObject) ? null : "must be a list of objects";
                case OBJECT -> v.isObject() ? null : "must be an object";
                case SCHEMA_MAP -> v.isObject() && v.valueStream().allMatch(JsonNode::isObject) ? null : "must be a map of schema objects";
            };
            if (problem != null) {
                errs.add(FieldError.invalid(Paths.child(path, e.getKey()), v, problem));
            }
        }
        JsonNode additional = n.get("additionalProperties");
        if (additional != null && !additional.isObject() && !additional.isBoolean()) {
            errs.add(FieldError.invalid(Paths.child(path, "additionalProperties"), additional, "must be a schema object or a boolean"));
        }
        JsonNode items = n.get("items");
        if (items != null && !items.isObject() && !items.isArray()) {
            errs.add(FieldError.invalid(Paths.child(path, "items"), items, "must be a schema object"));
        }
    }

    private static void forbid(JsonNode n, String keyword, String path, String detail, List<FieldError> errs) {
        if (n.has(keyword)) {
            errs.add(FieldError.forbidden(Paths.child(path, keyword), detail));
        }
    }

    private static void listType(JsonNode n, String path, List<FieldError> errs) {
        JsonNode lt = n.get("x-kubernetes-list-type");
        String ltPath = Paths.child(path, "x-kubernetes-list-type");
        String keysPath = Paths.child(path, "x-kubernetes-list-map-keys");
        JsonNode keys = n.get("x-kubernetes-list-map-keys");
        String listType = lt != null && lt.isString() ? lt.stringValue() : null;
        if (lt != null && !List.of("atomic", "map", "set").contains(listType)) {
            errs.add(FieldError.notSupported(ltPath, lt, List.of("atomic", "map", "set")));
            return;
        }
        if (keys != null && keys.size() > 0 && !"map".equals(listType)) {
            errs.add(FieldError.forbidden(keysPath, "must be empty if x-kubernetes-list-type is not map"));
        }
        if (listType == null) {
            return;
        }
        if (!"array".equals(n.path("type").asString(""))) {
            errs.add(FieldError.invalid(ltPath, listType, "must only be used if type is array"));
            return;
        }
        JsonNode items = n.path("items");
        if (!items.isObject()) {
            return;
        }
        String itemsPath = Paths.child(path, "items");
        if (!listType.equals("atomic") && items.path("nullable").asBoolean(false)) {
            errs.add(FieldError.forbidden(Paths.child(itemsPath, "nullable"), "cannot be nullable when x-kubernetes-list-type is " + listType));
        }
        if (listType.equals("set")) {
            String itemType = items.path("type").asString("");
            if (itemType.equals("object") && !"atomic".equals(items.path("x-kubernetes-map-type").asString(""))) {
                errs.add(FieldError.invalid(Paths.child(itemsPath, "x-kubernetes-map-type"), items.path("x-kubernetes-map-type").asString(""),
                        "must be atomic as item of a list with x-kubernetes-list-type=set"));
            } else if (itemType.equals("array") && !"atomic".equals(items.path("x-kubernetes-list-type").asString(""))) {
                errs.add(FieldError.invalid(Paths.child(itemsPath, "x-kubernetes-list-type"), items.path("x-kubernetes-list-type").asString(""),
                        "must be atomic as item of a list with x-kubernetes-list-type=set"));
            }
        } else if (listType.equals("map")) {
            if (keys == null || keys.size() == 0) {
                errs.add(FieldError.required(keysPath, "must not be empty if x-kubernetes-list-type is map"));
                return;
            }
            if (!"object".equals(items.path("type").asString(""))) {
                errs.add(FieldError.invalid(Paths.child(itemsPath, "type"), items.path("type").asString(""),
                        "must be object if parent array's x-kubernetes-list-type is map"));
                return;
            }
            Set<String> required = new HashSet<>();
            items.path("required").forEach(r -> required.add(r.asString("")));
            Set<String> seen = new HashSet<>();
            for (JsonNode key : keys) {
                String k = key.asString("");
                if (!seen.add(k)) {
                    errs.add(FieldError.duplicate(keysPath, k));
                    continue;
                }
                JsonNode prop = items.path("properties").path(k);
                String propPath = Paths.key(Paths.child(itemsPath, "properties"), k);
                if (!prop.isObject()) {
                    errs.add(FieldError.invalid(keysPath, keys, "entries must all be names of item properties"));
                    continue;
                }
                String propType = prop.path("type").asString("");
                if (propType.equals("object") || propType.equals("array")) {
                    errs.add(FieldError.invalid(Paths.child(propPath, "type"), propType,
                            "must be a scalar type if parent array's x-kubernetes-list-type is map"));
                }
                if (!required.contains(k) && !prop.has("default")) {
                    errs.add(FieldError.required(Paths.child(propPath, "default"),
                            "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
                }
                if (prop.path("nullable").asBoolean(false)) {
                    errs.add(FieldError.forbidden(Paths.child(propPath, "nullable"),
                            "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
                }
            }
        }
    }

    private static void mapType(JsonNode n, String path, List<FieldError> errs) {
        JsonNode mt = n.get("x-kubernetes-map-type");
        if (mt == null) {
            return;
        }
        String mtPath = Paths.child(path, "x-kubernetes-map-type");
        if (!mt.isString() || !List.of("atomic", "granular").contains(mt.stringValue())) {
            errs.add(FieldError.notSupported(mtPath, mt, List.of("atomic", "granular")));
        } else if (!"object".equals(n.path("type").asString(""))) {
            errs.add(FieldError.invalid(mtPath, mt.stringValue(), "must only be used if type is object"));
        }
    }
}
