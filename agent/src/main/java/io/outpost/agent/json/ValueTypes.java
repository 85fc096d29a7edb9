package io.outpost.agent.json;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Quantity;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.jr.ob.JSONObjectException;
import tools.jackson.jr.ob.api.ValueReader;
import tools.jackson.jr.ob.api.ValueWriter;
import tools.jackson.jr.ob.impl.JSONReader;
import tools.jackson.jr.ob.impl.JSONWriter;

/**
 * The fabric8 types that are not beans on the wire, which fabric8 binds with its own Jackson
 * databind (de)serializers; these readers and writers do what those do, without databind:
 *
 * <ul>
 * <li>{@link Quantity}: a string ({@code "100m"}, {@code "1Gi"}); read also from a number, as
 *     {@code Quantity.Deserializer} takes any scalar's text, and from {@code {"amount", "format"}};
 *     written as amount then format ({@code Quantity.Serializer}).
 * <li>{@link IntOrString}: an int or a string, through its {@code @JsonCreator IntOrString(Object)};
 *     written as its value ({@code AnyType.Serializer}).
 * <li>{@link MicroTime}: an RFC 3339 string with microseconds ({@code MicroTimeSerDes}).
 * </ul>
 *
 * <p>JSON null reads as null, as databind never hands a null to a custom deserializer.
 * {@code Fabric8PropertiesTest} fails if another type reachable from the agent's kinds declares
 * its own (de)serializer.
 *
 * <p>Thread model: stateless.
 */
final class ValueTypes {

    private ValueTypes() {
    }

    /** The reader of {@code type}, or null if it is not one of these. */
    static ValueReader reader(Class<?> type) {
        if (type == Quantity.class) {
            return new ScalarReader(type) {
                @Override
                Object fromText(String text) {
                    return new Quantity(text);
                }

                @Override
                Object fromObject(JsonParser p) {
                    String amount = null;
                    String format = null;
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String name = p.currentName();
                        JsonToken value = p.nextToken();
                        String text = value.isScalarValue() && value != JsonToken.VALUE_NULL ? scalarText(p) : null;
                        p.skipChildren();
                        if (name.equals("amount")) {
                            amount = text;
                        } else if (name.equals("format")) {
                            format = text;
                        }
                    }
                    if (amount == null) {
                        throw JSONObjectException.from(p, "a Quantity object needs an \"amount\"");
                    }
                    return format == null ? new Quantity(amount) : new Quantity(amount, format);
                }
            };
        }
        if (type == MicroTime.class) {
            return new ScalarReader(type) {
                @Override
                Object fromText(String text) {
                    return new MicroTime(text);
                }
            };
        }
        if (type == IntOrString.class) {
            return new ValueReader(type) {
                @Override
                public Object read(JSONReader reader, JsonParser p) throws JacksonException {
                    return switch (p.currentToken()) {
                        case VALUE_NULL -> null;
                        case VALUE_STRING -> new IntOrString(p.getString());
                        case VALUE_NUMBER_INT -> {
                            if (p.getNumberType() != JsonParser.NumberType.INT) {
                                throw JSONObjectException.from(p, "an int-or-string number must fit 32 bits: %s", p.getString());
                            }
                            yield new IntOrString(p.getIntValue());
                        }
                        default -> throw JSONObjectException.from(p, "an int-or-string must be an integer or a string, not %s",
                                p.currentToken());
                    };
                }
            };
        }
        return null;
    }

    /** The writer of {@code type}, or null if it is not one of these. */
    static ValueWriter writer(Class<?> type) {
        if (type == Quantity.class) {
            return new Writer(type) {
                @Override
                void write(JSONWriter context, JsonGenerator g, Object value) {
                    Quantity q = (Quantity) value;
                    g.writeString((q.getAmount() == null ? "" : q.getAmount()) + (q.getFormat() == null ? "" : q.getFormat()));
                }
            };
        }
        if (type == MicroTime.class) {
            return new Writer(type) {
                @Override
                void write(JSONWriter context, JsonGenerator g, Object value) {
                    String time = ((MicroTime) value).getTime();
                    if (time == null) {
                        g.writeNull();
                    } else {
                        g.writeString(time);
                    }
                }
            };
        }
        if (type == IntOrString.class) {
            return new Writer(type) {
                @Override
                void write(JSONWriter context, JsonGenerator g, Object value) {
                    context.writeValue(((IntOrString) value).getValue());
                }
            };
        }
        return null;
    }

    /** A type read from a scalar's text (and, for some, an object). */
    private abstract static class ScalarReader extends ValueReader {

        ScalarReader(Class<?> type) {
            super(type);
        }

        abstract Object fromText(String text);

        Object fromObject(JsonParser p) {
            throw JSONObjectException.from(p, "a %s must be a string, not an object", _valueType.getSimpleName());
        }

        @Override
        public Object read(JSONReader reader, JsonParser p) throws JacksonException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t == JsonToken.START_OBJECT) {
                return fromObject(p);
            }
            if (!t.isScalarValue()) {
                throw JSONObjectException.from(p, "a %s must be a string, not %s", _valueType.getSimpleName(), t);
            }
            return fromText(scalarText(p));
        }
    }

    /**
     * A scalar's text as databind's tree gives it ({@code JsonNode.asText}): a float through
     * {@link Double#toString}, as its {@code DoubleNode} prints it.
     */
    private static String scalarText(JsonParser p) {
        return p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT ? Double.toString(p.getDoubleValue()) : p.getString();
    }

    /** A writer of non-null values: jackson-jr writes a null itself. */
    private abstract static class Writer implements ValueWriter {

        private final Class<?> type;

        Writer(Class<?> type) {
            this.type = type;
        }

        abstract void write(JSONWriter context, JsonGenerator g, Object value);

        @Override
        public void writeValue(JSONWriter context, JsonGenerator g, Object value) throws JacksonException {
            if (value == null) {
                g.writeNull();
            } else {
                write(context, g, value);
            }
        }

        @Override
        public Class<?> valueType() {
            return type;
        }
    }
}
