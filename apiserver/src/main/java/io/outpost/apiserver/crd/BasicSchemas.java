package io.outpost.apiserver.crd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small {@link CrdSchemas}: the root must be an object; objects are checked for their
 * declared {@code type}, {@code required} and {@code enum}, pruned to their {@code properties}
 * (unless {@code x-kubernetes-preserve-unknown-fields}) and given their {@code default}s. It
 * stands in where the full {@link StructuralSchemas} is not wanted (tests of the serving side).
 */
public final class BasicSchemas implements CrdSchemas {

    private static final Set<String> TYPES = Set.of("object", "array", "string", "integer", "number", "boolean");
    private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

    @Override
    public List<FieldError> check(JsonNode schema, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (schema == null || !schema.isObject()) {
            errs.add(FieldError.required(path, "schemas are required"));
            return errs;
        }
        String type = schema.path("type").asString("");
        if (type.isEmpty()) {
            errs.add(FieldError.required(path + ".type", "must not be empty at the root"));
        } else if (!type.equals("object")) {
            errs.add(FieldError.invalid(path + ".type", type, "must be object at the root"));
        }
        checkTypes(schema, path, errs);
        return errs;
    }

    private static void checkTypes(JsonNode schema, String path, List<FieldError> errs) {
        String type = schema.path("type").asString("");
        if (!type.isEmpty() && !TYPES.contains(type)) {
            errs.add(FieldError.notSupported(path + ".type", type, List.of("array", "boolean", "integer", "number", "object", "string")));
        }
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            checkTypes(p.getValue(), path + ".properties[" + p.getKey() + "]", errs);
        }
        if (schema.path("items").isObject()) {
            checkTypes(schema.path("items"), path + ".items", errs);
        }
    }

    @Override
    public VersionSchema compile(JsonNode schema) {
        return new Compiled(schema);
    }

    private record Compiled(JsonNode schema) implements VersionSchema {

        @Override
        public List<String> prepareRequest(ObjectNode object) {
            List<String> pruned = new ArrayList<>();
            prune(object, schema, "", true, pruned);
            applyDefaults(object, schema);
            return pruned;
        }

        @Override
        public List<FieldError> validate(ObjectNode object, ObjectNode old) {
            List<FieldError> errs = new ArrayList<>();
            for (Map.Entry<String, JsonNode> p : object.properties()) {
                if (!ROOT_FIELDS.contains(p.getKey())) {
                    JsonNode s = schema.path("properties").path(p.getKey());
                    if (s.isObject()) {
                        validate(p.getValue(), s, p.getKey(), errs);
                    }
                }
            }
            for (JsonNode r : schema.path("required")) {
                if (!ROOT_FIELDS.contains(r.asString("")) && !object.has(r.asString(""))) {
                    errs.add(FieldError.required(r.asString(""), ""));
                }
            }
            return errs;
        }

        private static void validate(JsonNode value, JsonNode schema, String path, List<FieldError> errs) {
            String type = schema.path("type").asString("");
            if (value.isNull() && schema.path("nullable").asBoolean(false)) {
                return;
            }
            boolean fits = switch (type) {
                case "object" -> value.isObject();
                case "array" -> value.isArray();
                case "string" -> value.isString();
                case "integer" -> value.isIntegralNumber();
                case "number" -> value.isNumber();
                case "boolean" -> value.isBoolean();
                default -> true;
            };
            if (!fits) {
                errs.add(FieldError.invalid(path, value.isValueNode() ? value : null, "must be of type " + type));
                return;
            }
            if (schema.has("enum")) {
                List<Object> allowed = new ArrayList<>();
                boolean found = false;
                for (JsonNode e : schema.path("enum")) {
                    allowed.add(e.isString() ? e.asString() : e.toString());
                    found |= e.equals(value);
                }
                if (!found) {
                    errs.add(FieldError.notSupported(path, value.isString() ? value.asString() : value.toString(),
                            allowed.stream().map(String::valueOf).toList()));
                }
            }
            if (value.isObject()) {
                for (Map.Entry<String, JsonNode> p : value.properties()) {
                    JsonNode s = schema.path("properties").path(p.getKey());
                    if (s.isObject()) {
                        validate(p.getValue(), s, path + "." + p.getKey(), errs);
                    }
                }
                for (JsonNode r : schema.path("required")) {
                    if (!value.has(r.asString(""))) {
                        errs.add(FieldError.required(path + "." + r.asString(""), ""));
                    }
                }
            } else if (value.isArray() && schema.path("items").isObject()) {
                for (int i = 0; i < value.size(); i++) {
                    validate(value.get(i), schema.path("items"), path + "[" + i + "]", errs);
                }
            }
        }

        private static void prune(JsonNode value, JsonNode schema, String path, boolean root, List<String> pruned) {
            if (value instanceof ObjectNode object) {
                boolean keepUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
                        || schema.path("additionalProperties").isObject();
                for (String name : new ArrayList<>(object.propertyNames())) {
                    if (root && ROOT_FIELDS.contains(name)) {
                        continue;
                    }
                    JsonNode s = schema.path("properties").get(name);
                    if (s == null && schema.path("additionalProperties").isObject()) {
                        s = schema.path("additionalProperties");
                    }
                    String at = path.isEmpty() ? name : path + "." + name;
                    if (s == null) {
                        if (!keepUnknown) {
                            object.remove(name);
                            pruned.add(at);
                        }
                    } else {
                        prune(object.get(name), s, at, false, pruned);
                    }
                }
            } else if (value != null && value.isArray() && schema.path("items").isObject()) {
                for (int i = 0; i < value.size(); i++) {
                    prune(value.get(i), schema.path("items"), path + "[" + i + "]", false, pruned);
                }
            }
        }

        private static void applyDefaults(JsonNode value, JsonNode schema) {
            if (value instanceof ObjectNode object) {
                for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
                    if (!object.has(p.getKey()) && p.getValue().has("default")) {
                        object.set(p.getKey(), p.getValue().get("default").deepCopy());
                    }
                    if (object.has(p.getKey())) {
                        applyDefaults(object.get(p.getKey()), p.getValue());
                    }
                }
            } else if (value != null && value.isArray() && schema.path("items").isObject()) {
                value.forEach(item -> applyDefaults(item, schema.path("items")));
            }
        }
    }
}
