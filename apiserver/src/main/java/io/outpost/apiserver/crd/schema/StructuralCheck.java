package io.outpost.apiserver.crd.schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.JsonNode;

/**
 * Whether a CRD version's {@code openAPIV3Schema} is one kube-apiserver accepts, with its field
 * paths and messages: the keyword rules ({@link SchemaKeywords}), the structural invariants and
 * completeness of {@code apiserver/schema} ({@code properties[spec].type: Required value: must not
 * be empty for specified object fields}), the restriction of the root's metadata to name and
 * generateName, and defaults that validate against their own schema and hold no unknown fields.
 *
 * <p>Stateless; the errors are in the order the schema is walked, the structural ones sorted by
 * message as kube sorts them.
 */
final class StructuralCheck {

    private enum Level { ROOT, ITEM, FIELD }

    private StructuralCheck() {
    }

    /** The outcome: the errors, and when there are none the parsed schema and its compiled rules. */
    record Result(List<FieldError> errors, Schema schema, Rules rules) {
    }

    /**
     * All errors of the schema at {@code path} ({@code spec.versions[0].schema.openAPIV3Schema}).
     * Defaults and CEL rules are only looked at once the schema is structural, as kube does.
     */
    static Result check(JsonNode root, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (root == null || !root.isObject()) {
            errs.add(FieldError.required(path, "must be an object"));
            return new Result(errs, null, null);
        }
        SchemaKeywords.check(root, path, errs);
        List<FieldError> structural = new ArrayList<>();
        invariants(root, Level.ROOT, path, structural);
        completeness(root, path, structural);
        structural.sort((a, b) -> a.message().compareTo(b.message()));
        errs.addAll(structural);
        if (!errs.isEmpty()) {
            return new Result(errs, null, null);
        }
        Schema schema = Schema.parse(root);
        defaults(schema, root, path, errs);
        Rules rules = Rules.compile(schema, path, errs);
        if (errs.isEmpty()) {
            ruleDefaults(schema, rules, path, true, errs);
        }
        return errs.isEmpty() ? new Result(List.of(), schema, rules) : new Result(errs, null, null);
    }

    // ---- structural invariants (apiserver/schema/validation.go) ----

    private static void invariants(JsonNode n, Level lvl, String path, List<FieldError> errs) {
        if (!n.isObject()) {
            return;
        }
        String type = n.path("type").asString("");
        boolean embedded = n.path("x-kubernetes-embedded-resource").asBoolean(false);
        boolean preserve = n.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        boolean intOrString = n.path("x-kubernetes-int-or-string").asBoolean(false);
        JsonNode props = n.path("properties");

        if (type.equals("array") && !n.path("items").isObject()) {
            errs.add(FieldError.required(Paths.child(path, "items"), "must be specified"));
        }
        if (n.path("items").isObject()) {
            invariants(n.get("items"), Level.ITEM, Paths.child(path, "items"), errs);
        }
        for (Map.Entry<String, JsonNode> e : props.properties()) {
            invariants(e.getValue(), Level.FIELD, Paths.key(Paths.child(path, "properties"), e.getKey()), errs);
        }
        JsonNode additional = n.get("additionalProperties");
        if (additional != null) {
            if (lvl == Level.ROOT) {
                errs.add(FieldError.forbidden(Paths.child(path, "additionalProperties"), "must not be used at the root"));
            }
            if (additional.isObject()) {
                invariants(additional, Level.FIELD, Paths.child(path, "additionalProperties"), errs);
            }
        }
        if (intOrString && preserve) {
            errs.add(FieldError.invalid(Paths.child(path, "x-kubernetes-preserve-unknown-fields"), true, "must be false if x-kubernetes-int-or-string is true"));
        }
        if (intOrString && embedded) {
            errs.add(FieldError.invalid(Paths.child(path, "x-kubernetes-embedded-resource"), true, "must be false if x-kubernetes-int-or-string is true"));
        }

        valueValidation(n, intOrStringAnyOf(n), intOrStringAllOf(n), path, errs);

        boolean checkMetadata = lvl == Level.ROOT || embedded;
        if (embedded && !type.equals("object")) {
            if (type.isEmpty()) {
                errs.add(FieldError.required(Paths.child(path, "type"), "must be object if x-kubernetes-embedded-resource is true"));
            } else {
                errs.add(FieldError.invalid(Paths.child(path, "type"), type, "must be object if x-kubernetes-embedded-resource is true"));
            }
        } else if (type.isEmpty() && !intOrString && !preserve) {
            String detail = switch (lvl) {
                case ROOT -> "must not be empty at the root";
                case ITEM -> "must not be empty for specified array items";
                case FIELD -> "must not be empty for specified object fields";
            };
            errs.add(FieldError.required(Paths.child(path, "type"), detail));
        }
        if (embedded && additional != null) {
            errs.add(FieldError.forbidden(Paths.child(path, "additionalProperties"), "must not be used if x-kubernetes-embedded-resource is set"));
        }
        if (lvl == Level.ROOT && !type.isEmpty() && !type.equals("object")) {
            errs.add(FieldError.invalid(Paths.child(path, "type"), type, "must be object at the root"));
        }
        String propsPath = Paths.child(path, "properties");
        for (String typed : List.of("kind", "apiVersion")) {
            if (checkMetadata && props.has(typed) && !props.get(typed).path("type").asString("").equals("string")) {
                errs.add(FieldError.invalid(Paths.child(Paths.key(propsPath, typed), "type"), props.get(typed).path("type").asString(""), "must be string"));
            }
        }
        if (props.has("metadata")) {
            metadata(props.get("metadata"), checkMetadata, lvl, Paths.key(propsPath, "metadata"), errs);
        }
        if (embedded && !preserve && props.isEmpty()) {
            errs.add(FieldError.required(propsPath, "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
        }
    }

    /** Only name and generateName may be restricted in the root's metadata: the rest is ObjectMeta's. */
    private static void metadata(JsonNode m, boolean checkMetadata, Level lvl, String path, List<FieldError> errs) {
        String type = m.path("type").asString("");
        if (checkMetadata && !type.equals("object")) {
            errs.add(FieldError.invalid(Paths.child(path, "type"), type, "must be object"));
        }
        if (lvl != Level.ROOT) {
            return;
        }
        Set<String> rest = new HashSet<>();
        m.propertyNames().forEach(rest::add);
        rest.remove("type");
        rest.remove("default");
        JsonNode props = m.path("properties");
        if (props.isObject()) {
            Set<String> names = new HashSet<>(props.propertyNames());
            names.remove("name");
            names.remove("generateName");
            if (names.isEmpty()) {
                rest.remove("properties");
            }
        }
        if (!rest.isEmpty()) {
            errs.add(FieldError.forbidden(path, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
        }
    }

    private static boolean intOrStringAnyOf(JsonNode n) {
        return isIntOrStringPair(n.path("anyOf"));
    }

    private static boolean intOrStringAllOf(JsonNode n) {
        return n.path("allOf").size() >= 1 && isIntOrStringPair(n.path("allOf").get(0).path("anyOf"));
    }

    /** anyOf: [{type: integer}, {type: string}] exactly: kube's exception for int-or-string. */
    private static boolean isIntOrStringPair(JsonNode anyOf) {
        return anyOf.size() == 2
                && anyOf.get(0).size() == 1 && anyOf.get(0).path("type").asString("").equals("integer")
                && anyOf.get(1).size() == 1 && anyOf.get(1).path("type").asString("").equals("string");
    }

    private static void valueValidation(JsonNode n, boolean skipAnyOf, boolean skipFirstAllOfAnyOf, String path, List<FieldError> errs) {
        if (!skipAnyOf) {
            JsonNode anyOf = n.path("anyOf");
            for (int i = 0; i < anyOf.size(); i++) {
                nested(anyOf.get(i), false, Paths.index(Paths.child(path, "anyOf"), i), errs);
            }
        }
        JsonNode allOf = n.path("allOf");
        for (int i = 0; i < allOf.size(); i++) {
            nested(allOf.get(i), skipFirstAllOfAnyOf && i == 0, Paths.index(Paths.child(path, "allOf"), i), errs);
        }
        JsonNode oneOf = n.path("oneOf");
        for (int i = 0; i < oneOf.size(); i++) {
            nested(oneOf.get(i), false, Paths.index(Paths.child(path, "oneOf"), i), errs);
        }
        if (n.path("not").isObject()) {
            nested(n.get("not"), false, Paths.child(path, "not"), errs);
        }
    }

    /** A schema under allOf/anyOf/oneOf/not may only validate values, never shape them. */
    private static void nested(JsonNode v, boolean skipAnyOf, String path, List<FieldError> errs) {
        if (!v.isObject()) {
            return;
        }
        valueValidation(v, skipAnyOf, false, path, errs);
        if (v.path("items").isObject()) {
            nested(v.get("items"), false, Paths.child(path, "items"), errs);
        }
        for (Map.Entry<String, JsonNode> e : v.path("properties").properties()) {
            nested(e.getValue(), false, Paths.key(Paths.child(path, "properties"), e.getKey()), errs);
        }
        if (v.has("type")) {
            errs.add(FieldError.forbidden(Paths.child(path, "type"), "must be empty to be structural"));
        }
        if (v.has("additionalProperties")) {
            errs.add(FieldError.forbidden(Paths.child(path, "additionalProperties"), "must be undefined to be structural"));
        }
        if (v.has("default")) {
            errs.add(FieldError.forbidden(Paths.child(path, "default"), "must be undefined to be structural"));
        }
        if (!v.path("title").asString("").isEmpty()) {
            errs.add(FieldError.forbidden(Paths.child(path, "title"), "must be empty to be structural"));
        }
        if (!v.path("description").asString("").isEmpty()) {
            errs.add(FieldError.forbidden(Paths.child(path, "description"), "must be empty to be structural"));
        }
        if (v.path("nullable").asBoolean(false)) {
            errs.add(FieldError.forbidden(Paths.child(path, "nullable"), "must be false to be structural"));
        }
        for (String x : List.of("x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string")) {
            if (v.path(x).asBoolean(false)) {
                errs.add(FieldError.forbidden(Paths.child(path, x), "must be false to be structural"));
            }
        }
        if (v.path("x-kubernetes-list-map-keys").size() > 0) {
            errs.add(FieldError.forbidden(Paths.child(path, "x-kubernetes-list-map-keys"), "must be empty to be structural"));
        }
        for (String x : List.of("x-kubernetes-list-type", "x-kubernetes-map-type")) {
            if (v.has(x)) {
                errs.add(FieldError.forbidden(Paths.child(path, x), "must be undefined to be structural"));
            }
        }
        if (v.path("x-kubernetes-validations").size() > 0) {
            errs.add(FieldError.forbidden(Paths.child(path, "x-kubernetes-validations"), "must be empty to be structural"));
        }
        if (v.path("properties").has("metadata")) {
            errs.add(FieldError.forbidden(Paths.key(Paths.child(path, "properties"), "metadata"), "must not be specified in a nested context"));
        }
    }

    // ---- completeness (apiserver/schema/complete.go): what value validations name must exist structurally ----

    private static void completeness(JsonNode s, String path, List<FieldError> errs) {
        // every level of the structural schema: the structural-schema rule is for each junctor anywhere
        if (!s.isObject()) {
            return;
        }
        if (s.path("items").isObject()) {
            completeness(s.get("items"), Paths.child(path, "items"), errs);
        }
        for (Map.Entry<String, JsonNode> e : s.path("properties").properties()) {
            completeness(e.getValue(), Paths.key(Paths.child(path, "properties"), e.getKey()), errs);
        }
        if (s.path("additionalProperties").isObject()) {
            completeness(s.get("additionalProperties"), Paths.child(path, "additionalProperties"), errs);
        }
        valueCompleteness(s, s, path, path, errs);
    }

    private static void valueCompleteness(JsonNode v, JsonNode s, String sPath, String vPath, List<FieldError> errs) {
        if (!v.isObject()) {
            return;
        }
        if (v.path("not").isObject()) {
            nestedCompleteness(v.get("not"), s, sPath, Paths.child(vPath, "not"), errs);
        }
        for (String junctor : List.of("allOf", "anyOf", "oneOf")) {
            JsonNode list = v.path(junctor);
            for (int i = 0; i < list.size(); i++) {
                nestedCompleteness(list.get(i), s, sPath, Paths.index(Paths.child(vPath, junctor), i), errs);
            }
        }
    }

    private static void nestedCompleteness(JsonNode v, JsonNode s, String sPath, String vPath, List<FieldError> errs) {
        if (!v.isObject()) {
            return;
        }
        if (s == null || !s.isObject()) {
            errs.add(FieldError.required(sPath, "because it is defined in " + vPath));
            return;
        }
        valueCompleteness(v, s, sPath, vPath, errs);
        if (v.path("items").isObject()) {
            JsonNode sItems = s.path("items").isObject() ? s.get("items") : null;
            nestedCompleteness(v.get("items"), sItems, Paths.child(sPath, "items"), Paths.child(vPath, "items"), errs);
        }
        for (Map.Entry<String, JsonNode> e : v.path("properties").properties()) {
            String k = e.getKey();
            JsonNode sField = s.path("properties").get(k);
            String vField = Paths.key(Paths.child(vPath, "properties"), k);
            if (sField == null) {
                errs.add(FieldError.required(Paths.key(Paths.child(sPath, "properties"), k), "because it is defined in " + vField));
            } else {
                nestedCompleteness(e.getValue(), sField, Paths.key(Paths.child(sPath, "properties"), k), vField, errs);
            }
        }
    }

    // ---- defaults (apiserver/schema/defaulting/validation.go) ----

    /** Defaults must also pass the x-kubernetes-validations at and below their node, as kube checks. */
    private static void ruleDefaults(Schema s, Rules rules, String path, boolean root, List<FieldError> errs) {
        if (s.defaultValue != null && !root) {
            JsonNode defaulted = s.defaultValue.deepCopy();
            Defaulter.apply(defaulted, s);
            errs.addAll(rules.validateAt(s, defaulted, null, Paths.child(path, "default")));
        }
        for (Map.Entry<String, Schema> e : s.properties.entrySet()) {
            if (!(root && e.getKey().equals("metadata"))) {
                ruleDefaults(e.getValue(), rules, Paths.key(Paths.child(path, "properties"), e.getKey()), false, errs);
            }
        }
        if (s.items != null) {
            ruleDefaults(s.items, rules, Paths.child(path, "items"), false, errs);
        }
        if (s.additionalProperties != null) {
            ruleDefaults(s.additionalProperties, rules, Paths.child(path, "additionalProperties"), false, errs);
        }
    }

    /** Every default must validate against its schema and survive pruning unchanged. */
    private static void defaults(Schema s, JsonNode raw, String path, List<FieldError> errs) {
        defaults(s, path, true, false, errs);
    }

    private static void defaults(Schema s, String path, boolean root, boolean inRootMetadata, List<FieldError> errs) {
        if (s.defaultValue != null && !inRootMetadata) {
            String defaultPath = Paths.child(path, "default");
            JsonNode pruned = s.defaultValue.deepCopy();
            List<String> unknown = Pruner.prune(pruned, s, "");
            if (!unknown.isEmpty()) {
                errs.add(FieldError.invalid(defaultPath, s.defaultValue, "must not have unknown fields"));
            } else {
                JsonNode defaulted = s.defaultValue.deepCopy();
                Defaulter.apply(defaulted, s);
                errs.addAll(ValueValidator.validate(s, defaulted, defaultPath));
            }
        }
        for (Map.Entry<String, Schema> e : s.properties.entrySet()) {
            // the root's metadata defaults are ObjectMeta's business, checked by the registry (kube skips them here too)
            boolean rootMetadata = root && e.getKey().equals("metadata");
            defaults(e.getValue(), Paths.key(Paths.child(path, "properties"), e.getKey()), false, rootMetadata, errs);
        }
        if (s.items != null) {
            defaults(s.items, Paths.child(path, "items"), false, false, errs);
        }
        if (s.additionalProperties != null) {
            defaults(s.additionalProperties, Paths.child(path, "additionalProperties"), false, false, errs);
        }
    }
}
