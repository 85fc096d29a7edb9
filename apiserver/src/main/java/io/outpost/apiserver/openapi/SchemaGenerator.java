package io.outpost.apiserver.openapi;

import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.outpost.api.GroupVersionKind;
import io.outpost.apiserver.patch.PatchStrategies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates the OpenAPI schemas of fabric8 model classes by reflection over their Jackson
 * annotations: one schema per class, named as kube names it ({@link SchemaNames}), properties
 * typed from the Java field types, references as {@code $ref}, {@code x-kubernetes-group-version-kind}
 * on the top-level kinds and the strategic merge patch extensions from {@link PatchExtensions}.
 *
 * <p>What it cannot know: fabric8's classes carry no descriptions and no {@code required} lists
 * (kube's come from Go comments and {@code +optional} markers), so the schemas have neither; an
 * unknown or misspelt field is still caught, by the server's {@code fieldValidation=Strict}.
 * Timestamps are plain strings in fabric8 and stay so here (kube: {@code format: date-time}).
 *
 * <p>Not thread-safe: used on one thread while the documents are built at start, then dropped.
 * The schemas it hands out are shared between documents and must not be modified.
 */
final class SchemaGenerator {

    /** The two OpenAPI versions differ in where references point and how two special types read. */
    enum Dialect {
        V2("#/definitions/"),
        V3("#/components/schemas/");

        final String refPrefix;

        Dialect(String refPrefix) {
            this.refPrefix = refPrefix;
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<Class<?>> INTEGERS = Set.of(Integer.class, int.class, Short.class, short.class);
    private static final Set<Class<?>> LONGS = Set.of(Long.class, long.class);
    private static final Set<Class<?>> NUMBERS = Set.of(Double.class, double.class, Float.class, float.class);
    private static final Set<Class<?>> BOOLEANS = Set.of(Boolean.class, boolean.class);

    private final Dialect dialect;
    private final PatchExtensions patches;
    private final Map<Class<?>, GroupVersionKind> kinds;
    private final Map<Class<?>, ObjectNode> generated = new HashMap<>();

    SchemaGenerator(Dialect dialect, PatchExtensions patches, Map<Class<?>, GroupVersionKind> kinds) {
        this.dialect = dialect;
        this.patches = patches;
        this.kinds = Map.copyOf(kinds);
    }

    /** Puts the schema of {@code type} and of every model class it reaches into {@code into}, by name. */
    void addWithReferences(Class<?> type, Map<String, JsonNode> into) {
        String name = SchemaNames.of(type);
        if (into.containsKey(name)) {
            return;
        }
        into.put(name, schema(type));
        for (Type property : ModelProperties.of(type).values()) {
            Class<?> element = ModelProperties.elementClass(property);
            if (SchemaNames.isModel(element)) {
                addWithReferences(element, into);
            }
        }
    }

    /** The schema of one model class (its own definition, not a reference to it). */
    ObjectNode schema(Class<?> type) {
        ObjectNode cached = generated.get(type);
        if (cached == null) {
            cached = build(type);
            generated.put(type, cached);
        }
        return cached;
    }

    private ObjectNode build(Class<?> type) {
        String name = SchemaNames.of(type);
        if (name.equals(SchemaNames.INT_OR_STRING)) {
            return dialect == Dialect.V2 ? NODES.objectNode().put("type", "string").put("format", "int-or-string")
                    : oneOf("integer", "string").put("format", "int-or-string");
        }
        if (name.equals(SchemaNames.QUANTITY)) {
            return dialect == Dialect.V2 ? NODES.objectNode().put("type", "string") : oneOf("string", "number");
        }
        if (name.equals(SchemaNames.meta("MicroTime")) || name.equals(SchemaNames.meta("Time"))) {
            return NODES.objectNode().put("type", "string").put("format", "date-time");
        }
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        Map<String, Type> properties = ModelProperties.of(type);
        if (!properties.isEmpty()) {
            ObjectNode props = schema.putObject("properties");
            properties.forEach((property, javaType) -> {
                ObjectNode p = property(javaType);
                Optional<PatchStrategies.Field> patch = patches.of(type, property);
                patch.ifPresent(f -> {
                    if (f.mergeKey() != null) {
                        p.put("x-kubernetes-patch-merge-key", f.mergeKey());
                    }
                    p.put("x-kubernetes-patch-strategy", PatchExtensions.strategy(f));
                });
                props.set(property, p);
            });
        }
        GroupVersionKind kind = kinds.get(type);
        if (kind != null) {
            schema.putArray("x-kubernetes-group-version-kind").addObject()
                    .put("group", kind.group()).put("kind", kind.kind()).put("version", kind.version());
        }
        return schema;
    }

    /** The schema of a property of Java type {@code type}: a primitive, an array, a map or a reference. */
    private ObjectNode property(Type type) {
        Class<?> raw = ModelProperties.erase(type);
        if (java.util.Collection.class.isAssignableFrom(raw)) {
            ObjectNode array = NODES.objectNode().put("type", "array");
            array.set("items", property(argument(type, 0)));
            return array;
        }
        if (Map.class.isAssignableFrom(raw)) {
            ObjectNode map = NODES.objectNode().put("type", "object");
            map.set("additionalProperties", property(argument(type, 1)));
            return map;
        }
        if (SchemaNames.isModel(raw)) {
            return NODES.objectNode().put("$ref", dialect.refPrefix + SchemaNames.of(raw));
        }
        if (raw == String.class || raw.isEnum()) {
            return NODES.objectNode().put("type", "string");
        }
        if (INTEGERS.contains(raw)) {
            return NODES.objectNode().put("type", "integer").put("format", "int32");
        }
        if (LONGS.contains(raw)) {
            return NODES.objectNode().put("type", "integer").put("format", "int64");
        }
        if (NUMBERS.contains(raw)) {
            return NODES.objectNode().put("type", "number").put("format", "double");
        }
        if (BOOLEANS.contains(raw)) {
            return NODES.objectNode().put("type", "boolean");
        }
        if (raw == byte[].class) {
            return NODES.objectNode().put("type", "string").put("format", "byte");
        }
        // Object: free-form JSON (RawExtension-like fields).
        return NODES.objectNode().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    }

    private static Type argument(Type type, int index) {
        if (type instanceof java.lang.reflect.ParameterizedType p && p.getActualTypeArguments().length > index) {
            return p.getActualTypeArguments()[index];
        }
        return Object.class;
    }

    private static ObjectNode oneOf(String... types) {
        ObjectNode schema = NODES.objectNode();
        var list = schema.putArray("oneOf");
        for (String t : types) {
            list.addObject().put("type", t);
        }
        return schema;
    }
}
