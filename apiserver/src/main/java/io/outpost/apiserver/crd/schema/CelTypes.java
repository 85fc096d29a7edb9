package io.outpost.apiserver.crd.schema;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.re2j.Pattern;

import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.common.values.CelByteString;
import tools.jackson.databind.JsonNode;

/**
 * A structural schema as CEL sees it (kube's {@code apiserver/schema/cel/model}): an object with
 * properties is a struct whose fields are the properties (so {@code self.nmae} fails to compile, as
 * in kube), an object with additionalProperties a {@code map(string, T)}, an array a
 * {@code list(T)}, integer/number/string/boolean the CEL scalars, int-or-string and
 * preserved-unknown objects {@code dyn}. Property names that are not CEL identifiers are escaped
 * as kube escapes them ({@code foo-bar} is {@code self.foo__dash__bar}).
 *
 * <p>As in kube, strings of {@code format: date}/{@code date-time} are timestamps,
 * {@code duration} durations and {@code byte} bytes (a value that does not parse stays a string,
 * its format error already reported by the schema validation).
 *
 * <p>Also turns a JSON value into the Java values the CEL runtime evaluates, guided by the same
 * schema so that struct fields carry their escaped names and numbers of {@code type: number}
 * are doubles.
 */
final class CelTypes implements CelTypeProvider {

    private static final Set<String> RESERVED = Set.of("true", "false", "null", "in", "as", "break", "const", "continue",
            "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while");
    private static final Pattern IDENT = Pattern.compile("^[_a-zA-Z][_a-zA-Z0-9]*$");

    private final Map<String, StructType> structs = new LinkedHashMap<>();

    /**
     * The CEL type of the resource root: its properties plus apiVersion, kind and metadata, which
     * every custom object has whether the schema names them or not (kube's same view of the root).
     */
    CelType rootType(Schema s) {
        return s.type.equals("object") && s.additionalProperties == null ? struct(s, "Object", true) : typeOf(s, "Object");
    }

    /** The CEL type of a schema node, registering the struct types it needs under {@code name}. */
    CelType typeOf(Schema s, String name) {
        if (s.intOrString) {
            return SimpleType.DYN;
        }
        switch (s.type) {
            case "string":
                return switch (s.format) {
                    case "date", "date-time", "datetime" -> SimpleType.TIMESTAMP;
                    case "duration" -> SimpleType.DURATION;
                    case "byte" -> SimpleType.BYTES;
                    default -> SimpleType.STRING;
                };
            case "integer":
                return SimpleType.INT;
            case "number":
                return SimpleType.DOUBLE;
            case "boolean":
                return SimpleType.BOOL;
            case "array":
                return ListType.create(s.items == null ? SimpleType.DYN : typeOf(s.items, name + ".@idx"));
            case "object":
                if (s.additionalProperties != null) {
                    return MapType.create(SimpleType.STRING, typeOf(s.additionalProperties, name + ".@key"));
                }
                if (s.properties.isEmpty() && !s.embeddedResource) {
                    // preserved unknown fields or an empty object: any map
                    return MapType.create(SimpleType.STRING, SimpleType.DYN);
                }
                return struct(s, name, false);
            default:
                return SimpleType.DYN;
        }
    }

    private StructType struct(Schema s, String name, boolean root) {
        Map<String, CelType> fields = new LinkedHashMap<>();
        if (s.embeddedResource || root) {
            fields.put("apiVersion", SimpleType.STRING);
            fields.put("kind", SimpleType.STRING);
            fields.put("metadata", MapType.create(SimpleType.STRING, SimpleType.DYN));
        }
        for (Map.Entry<String, Schema> e : s.properties.entrySet()) {
            if (root && e.getKey().equals("metadata")) {
                continue; // the root's metadata is ObjectMeta, whatever the schema restricts
            }
            escape(e.getKey()).ifPresent(field -> fields.put(field, typeOf(e.getValue(), name + "." + field)));
        }
        StructType t = StructType.create(name, ImmutableSet.copyOf(fields.keySet()), f -> Optional.ofNullable(fields.get(f)));
        structs.put(name, t);
        return t;
    }

    @Override
    public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(structs.get(typeName));
    }

    /** kube's model.Escape: the CEL field name of a property, or empty if CEL cannot name it. */
    static Optional<String> escape(String property) {
        if (RESERVED.contains(property)) {
            return Optional.of("__" + property + "__");
        }
        String escaped = property.replace("__", "__underscores__").replace(".", "__dot__")
                .replace("-", "__dash__").replace("/", "__slash__");
        return IDENT.matches(escaped) ? Optional.of(escaped) : Optional.empty();
    }

    /** The value CEL evaluates for the whole object, typed by {@link #rootType}. */
    static Object rootValue(JsonNode v, Schema s) {
        return value(v, s, true);
    }

    /** The value CEL evaluates for a JSON value under a schema node. */
    static Object value(JsonNode v, Schema s) {
        return value(v, s, false);
    }

    private static Object value(JsonNode v, Schema s, boolean root) {
        if (v == null || v.isNull()) {
            return com.google.protobuf.NullValue.NULL_VALUE;
        }
        if (v.isObject()) {
            boolean struct = s != null && s.additionalProperties == null && (!s.properties.isEmpty() || s.embeddedResource || root);
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                if (struct) {
                    Schema p = s.properties.get(e.getKey());
                    Optional<String> field = escape(e.getKey());
                    if (field.isPresent() && (p != null || ((root || s.embeddedResource) && isResourceField(e.getKey())))) {
                        out.put(field.get(), value(e.getValue(), p));
                    }
                } else {
                    out.put(e.getKey(), value(e.getValue(), s == null ? null : s.additionalProperties));
                }
            }
            return out;
        }
        if (v.isArray()) {
            List<Object> out = new ArrayList<>();
            for (JsonNode item : v) {
                out.add(value(item, s == null ? null : s.items));
            }
            return out;
        }
        if (v.isString()) {
            return s == null ? v.stringValue() : formatted(v.stringValue(), s.format);
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber() && !(s != null && s.type.equals("number"))) {
            return v.longValue();
        }
        return v.doubleValue();
    }

    private static Object formatted(String text, String format) {
        try {
            return switch (format) {
                case "date-time", "datetime" -> OffsetDateTime.parse(text.replace(' ', 'T')).toInstant();
                case "date" -> LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
                case "duration" -> GoDurations.parse(text);
                case "byte" -> CelByteString.of(Base64.getDecoder().decode(text));
                default -> text;
            };
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return text;
        }
    }

    private static boolean isResourceField(String key) {
        return key.equals("apiVersion") || key.equals("kind") || key.equals("metadata");
    }
}
