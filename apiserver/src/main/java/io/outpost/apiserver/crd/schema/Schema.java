package io.outpost.apiserver.crd.schema;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import tools.jackson.databind.JsonNode;

/**
 * One node of a CRD version's {@code openAPIV3Schema}, parsed once: kube's {@code schema.Structural}
 * (type, properties, items, additionalProperties, the {@code x-kubernetes-*} extensions, default)
 * and its value validations (enum, pattern, bounds, {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not})
 * in one class, because the validator reads both on every node.
 *
 * <p>Parsing is lenient: it never throws, and a keyword of the wrong shape is read as absent.
 * {@link StructuralCheck} is what rejects a bad schema; a Schema is only built for serving after
 * that check passed. The nested schemas under the junctors ({@code allOf}, ...) are Schemas too;
 * there the structural check allows only value validations.
 *
 * <p>Thread model: immutable after construction; shared by every request.
 */
public final class Schema {

    /** The keyword's JSON, as written in the CRD. */
    final JsonNode source;
    final String type;
    final String format;
    final boolean nullable;
    /** The default, or null when none is given (a JSON null default is a NullNode). */
    final JsonNode defaultValue;
    final Map<String, Schema> properties;
    /** additionalProperties as a schema, or null. */
    final Schema additionalProperties;
    final Schema items;
    final boolean preserveUnknownFields;
    final boolean embeddedResource;
    final boolean intOrString;
    final String listType;
    final List<String> listMapKeys;
    final String mapType;
    final List<String> required;
    /** enum values, or null when there is no enum. */
    final List<JsonNode> enumValues;
    final String patternSource;
    /** The pattern compiled with RE2 semantics (what kube's Go regexp accepts), or null. */
    final Pattern pattern;
    final BigDecimal maximum;
    final boolean exclusiveMaximum;
    final BigDecimal minimum;
    final boolean exclusiveMinimum;
    final BigDecimal multipleOf;
    final Long maxLength;
    final Long minLength;
    final Long maxItems;
    final Long minItems;
    final boolean uniqueItems;
    final Long maxProperties;
    final Long minProperties;
    final List<Schema> allOf;
    final List<Schema> anyOf;
    final List<Schema> oneOf;
    final Schema not;
    /** The x-kubernetes-validations entries, as written. */
    final List<JsonNode> validations;

    private Schema(JsonNode n) {
        source = n;
        type = text(n, "type");
        format = text(n, "format");
        nullable = n.path("nullable").asBoolean(false);
        defaultValue = n.has("default") ? n.get("default") : null;
        Map<String, Schema> props = new LinkedHashMap<>();
        if (n.path("properties").isObject()) {
            for (Map.Entry<String, JsonNode> e : n.get("properties").properties()) {
                props.put(e.getKey(), parse(e.getValue()));
            }
        }
        properties = Collections.unmodifiableMap(props);
        additionalProperties = n.path("additionalProperties").isObject() ? parse(n.get("additionalProperties")) : null;
        items = n.path("items").isObject() ? parse(n.get("items")) : null;
        preserveUnknownFields = n.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        embeddedResource = n.path("x-kubernetes-embedded-resource").asBoolean(false);
        intOrString = n.path("x-kubernetes-int-or-string").asBoolean(false);
        listType = n.path("x-kubernetes-list-type").isString() ? n.get("x-kubernetes-list-type").stringValue() : null;
        listMapKeys = strings(n.path("x-kubernetes-list-map-keys"));
        mapType = n.path("x-kubernetes-map-type").isString() ? n.get("x-kubernetes-map-type").stringValue() : null;
        required = strings(n.path("required"));
        enumValues = n.path("enum").isArray() ? List.copyOf(n.get("enum").values()) : null;
        patternSource = n.path("pattern").isString() ? n.get("pattern").stringValue() : null;
        pattern = compile(patternSource);
        maximum = decimal(n, "maximum");
        exclusiveMaximum = n.path("exclusiveMaximum").asBoolean(false);
        minimum = decimal(n, "minimum");
        exclusiveMinimum = n.path("exclusiveMinimum").asBoolean(false);
        multipleOf = decimal(n, "multipleOf");
        maxLength = integer(n, "maxLength");
        minLength = integer(n, "minLength");
        maxItems = integer(n, "maxItems");
        minItems = integer(n, "minItems");
        uniqueItems = n.path("uniqueItems").asBoolean(false);
        maxProperties = integer(n, "maxProperties");
        minProperties = integer(n, "minProperties");
        allOf = schemas(n.path("allOf"));
        anyOf = schemas(n.path("anyOf"));
        oneOf = schemas(n.path("oneOf"));
        not = n.path("not").isObject() ? parse(n.get("not")) : null;
        validations = n.path("x-kubernetes-validations").isArray()
                ? List.copyOf(n.get("x-kubernetes-validations").values()) : List.of();
    }

    /** Parses a schema node; a non-object reads as the empty schema. */
    public static Schema parse(JsonNode node) {
        return new Schema(node == null || !node.isObject() ? tools.jackson.databind.node.JsonNodeFactory.instance.objectNode() : node);
    }

    /** The schema that describes a property of an object, or null if the property is unknown. */
    Schema property(String name) {
        Schema p = properties.get(name);
        return p != null ? p : additionalProperties;
    }

    /** Whether this object keeps fields that no property describes. */
    boolean keepsUnknownFields() {
        return preserveUnknownFields || additionalPropertiesAllowed();
    }

    /** {@code additionalProperties: true}: any field, unvalidated and unpruned. */
    boolean additionalPropertiesAllowed() {
        return source.path("additionalProperties").isBoolean() && source.get("additionalProperties").booleanValue();
    }

    /** Compiles with RE2 (Go regexp) semantics; null if absent or not valid, which the check reports. */
    static Pattern compile(String regex) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return null;
        }
    }

    private static String text(JsonNode n, String field) {
        return n.path(field).isString() ? n.get(field).stringValue() : "";
    }

    private static BigDecimal decimal(JsonNode n, String field) {
        return n.path(field).isNumber() ? n.get(field).decimalValue() : null;
    }

    private static Long integer(JsonNode n, String field) {
        return n.path(field).isIntegralNumber() ? n.get(field).longValue() : null;
    }

    private static List<String> strings(JsonNode array) {
        if (!array.isArray()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : array) {
            if (v.isString()) {
                out.add(v.stringValue());
            }
        }
        return List.copyOf(out);
    }

    private static List<Schema> schemas(JsonNode array) {
        if (!array.isArray()) {
            return List.of();
        }
        List<Schema> out = new ArrayList<>();
        for (JsonNode v : array) {
            out.add(parse(v));
        }
        return List.copyOf(out);
    }
}
