package io.outpost.apiserver.validation;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One invalid field, as kube's {@code field.Error}: its {@link #message()} is what
 * {@code Status.message} lists ({@code spec.containers[0].image: Required value}) and
 * {@link #body()} what a cause's message holds, without the field.
 *
 * @param type     what is wrong; its {@link Type#reason} is the cause's reason
 * @param field    the field path, {@code spec.containers[0].image}
 * @param badValue the offending value (a String, Number, Map or JsonNode), or null if none
 * @param detail   kube's detail text, or empty
 */
public record FieldError(Type type, String field, Object badValue, String detail) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** kube's {@code field.ErrorType}s. */
    public enum Type {
        REQUIRED("FieldValueRequired", "Required value", false),
        INVALID("FieldValueInvalid", "Invalid value", true),
        NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value", true),
        DUPLICATE("FieldValueDuplicate", "Duplicate value", true),
        FORBIDDEN("FieldValueForbidden", "Forbidden", false),
        TOO_LONG("FieldValueTooLong", "Too long", false),
        TOO_MANY("FieldValueTooMany", "Too many", true),
        TYPE_INVALID("FieldValueTypeInvalid", "Invalid value", true),
        /** kube's {@code field.Invalid} with {@code field.OmitValueType{}}: the value is not shown. */
        INVALID_OMIT_VALUE("FieldValueInvalid", "Invalid value", false);

        public final String reason;
        final String text;
        final boolean showsValue;

        Type(String reason, String text, boolean showsValue) {
            this.reason = reason;
            this.text = text;
            this.showsValue = showsValue;
        }
    }

    public FieldError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(field, "field");
        detail = detail == null ? "" : detail;
    }

    public static FieldError required(String field, String detail) {
        return new FieldError(Type.REQUIRED, field, null, detail);
    }

    public static FieldError invalid(String field, Object value, String detail) {
        return new FieldError(Type.INVALID, field, value, detail);
    }

    public static FieldError notSupported(String field, Object value, List<String> supported) {
        return new FieldError(Type.NOT_SUPPORTED, field, value,
                "supported values: " + supported.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ")));
    }

    /** kube's {@code field.Invalid(path, field.OmitValueType{}, detail)}. */
    public static FieldError invalidOmitValue(String field, String detail) {
        return new FieldError(Type.INVALID_OMIT_VALUE, field, null, detail);
    }

    public static FieldError duplicate(String field, Object value) {
        return new FieldError(Type.DUPLICATE, field, value, "");
    }

    public static FieldError forbidden(String field, String detail) {
        return new FieldError(Type.FORBIDDEN, field, null, detail);
    }

    public static FieldError tooLong(String field, long max) {
        return new FieldError(Type.TOO_LONG, field, null, "may not be more than " + max + " bytes");
    }

    /** kube's {@code field.TooMany}: {@code Too many: 4: must have at most 3 items}. */
    public static FieldError tooMany(String field, long actual, long max) {
        return new FieldError(Type.TOO_MANY, field, actual, "must have at most " + max + " items");
    }

    /** kube's {@code field.TypeInvalid}: shown as {@code Invalid value}, reason FieldValueTypeInvalid. */
    public static FieldError typeInvalid(String field, Object value, String detail) {
        return new FieldError(Type.TYPE_INVALID, field, value, detail);
    }

    /** kube's {@code ErrorBody}: {@code Invalid value: "x": detail}. */
    public String body() {
        StringBuilder s = new StringBuilder(type.text);
        if (type.showsValue) {
            s.append(": ").append(render(badValue));
        }
        if (!detail.isEmpty()) {
            s.append(": ").append(detail);
        }
        return s.toString();
    }

    /** kube's {@code Error()}: {@code spec.containers[0].image: Required value}. */
    public String message() {
        return field + ": " + body();
    }

    /**
     * Values as Go's {@code %q}/{@code %d}/{@code %#v} print them where we can ({@code "x"}, {@code 7},
     * {@code map[string]string{"app":"x"}}); other structures as JSON.
     */
    static String render(Object value) {
        if (value instanceof JsonNode node) {
            value = node.isString() ? node.stringValue() : node.isNumber() ? node.numberValue()
                    : node.isBoolean() ? (Object) node.booleanValue() : node.isNull() ? null : node;
        }
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return JSON.writeValueAsString(s);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream()
                    .map(e -> JSON.writeValueAsString(String.valueOf(e.getKey())) + ":" + JSON.writeValueAsString(String.valueOf(e.getValue())))
                    .collect(Collectors.joining(", ", "map[string]string{", "}"));
        }
        return JSON.writeValueAsString(value);
    }
}
