package io.outpost.api;

import java.util.List;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;

/**
 * How the codec finds unknown fields. fabric8's model classes keep every unknown property in an
 * {@code additionalProperties} map ({@code @JsonAnySetter}), which would store and echo fields
 * kube-apiserver drops; so the codec's mappers ignore any-setters ({@link #INTROSPECTOR}), and
 * {@link #HANDLER} records each unknown property's path in the per-call list passed as the
 * reader attribute {@link #PROBLEMS}, then skips its value. All of them are reported, not just
 * the first, as kube-apiserver reports them.
 *
 * <p>Thread model: both objects are stateless and shared by every decode; the list belongs to
 * one call.
 */
final class UnknownFields {

    /** The reader attribute under which a decode passes its {@code List<FieldProblem>}. */
    static final Object PROBLEMS = new Object();

    static final JacksonAnnotationIntrospector INTROSPECTOR = new JacksonAnnotationIntrospector() {
        @Override
        public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
            return Boolean.FALSE;
        }
    };

    static final DeserializationProblemHandler HANDLER = new DeserializationProblemHandler() {
        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, ValueDeserializer<?> deserializer,
                                             Object bean, String propertyName) {
            if (ctxt.getAttribute(PROBLEMS) instanceof List<?> list) {
                @SuppressWarnings("unchecked")
                List<FieldProblem> problems = (List<FieldProblem>) list;
                TokenStreamContext context = p.streamReadContext();
                JsonToken token = p.currentToken();
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    context = context.getParent(); // the parser already entered the value
                }
                problems.add(new FieldProblem(FieldProblem.Kind.UNKNOWN, FieldPaths.of(context)));
            }
            p.skipChildren();
            return true;
        }
    };

    private UnknownFields() {
    }
}
