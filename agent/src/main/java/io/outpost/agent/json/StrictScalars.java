package io.outpost.agent.json;

import java.util.function.Function;
import java.util.function.Predicate;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.jr.ob.JSONObjectException;
import tools.jackson.jr.ob.api.ValueReader;
import tools.jackson.jr.ob.impl.JSONReader;

/**
 * Readers of the scalar types fabric8's properties have ({@code String}, {@code Integer},
 * {@code Long}, {@code Boolean}), refusing and accepting what the API's {@code Codec} (databind,
 * scalar coercion off) refuses and accepts: text is never a number or a boolean
 * ({@code "replicas": "3"} is refused, as Go refuses it), a number is no boolean, an object or an
 * array is no scalar; a number or a boolean given for a string is its text, and a float given
 * for an int is truncated, as databind's coercion rules still allow. jackson-jr's own readers
 * coerce anything ({@code getValueAsInt} makes {@code "high"} a 0) and read an object given for a
 * string as if its fields were the enclosing object's: a malformed object must rather fail to
 * decode, and be skipped, than run as something else. {@code AgentJsonFidelityTest} holds both
 * to the same answers. JSON null is null.
 *
 * <p>Thread model: stateless.
 */
final class StrictScalars {

    private StrictScalars() {
    }

    /** The reader of {@code type}, or null if it is not one of these. */
    static ValueReader reader(Class<?> type) {
        if (type == String.class) {
            return new Strict(type, JsonToken::isScalarValue, JsonParser::getString);
        }
        if (type == Integer.class) {
            return new Strict(type, JsonToken::isNumeric,
                    p -> p.currentToken() == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : p.getValueAsInt());
        }
        if (type == Long.class) {
            return new Strict(type, JsonToken::isNumeric,
                    p -> p.currentToken() == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : p.getValueAsLong());
        }
        if (type == Boolean.class) {
            return new Strict(type, t -> t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE,
                    p -> p.currentToken() == JsonToken.VALUE_TRUE);
        }
        return null;
    }

    /** A scalar's reader: null is null, a token {@code accepts} refuses is an error, else {@code value}. */
    private static final class Strict extends ValueReader {

        private final Predicate<JsonToken> accepts;
        private final Function<JsonParser, Object> value;

        Strict(Class<?> type, Predicate<JsonToken> accepts, Function<JsonParser, Object> value) {
            super(type);
            this.accepts = accepts;
            this.value = value;
        }

        @Override
        public Object read(JSONReader reader, JsonParser p) throws JacksonException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (!accepts.test(t)) {
                throw JSONObjectException.from(p, "cannot read %s as %s", _tokenDesc(p), _valueType.getSimpleName());
            }
            return value.apply(p);
        }
    }
}
