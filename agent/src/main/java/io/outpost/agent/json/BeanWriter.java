package io.outpost.agent.json;

import java.lang.invoke.MethodHandle;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.jr.ob.JSONObjectException;
import tools.jackson.jr.ob.api.ValueWriter;
import tools.jackson.jr.ob.impl.JSONWriter;

/**
 * Writes a fabric8 model object as the API's {@code Codec} does (databind over fabric8's
 * annotations): its {@link Fabric8Properties} in fabric8's order, leaving out a null value
 * (fabric8's classes are {@code @JsonInclude(NON_NULL)}) and an empty list or map (every
 * collection property of theirs is {@code @JsonInclude(NON_EMPTY)}; {@code Fabric8PropertiesTest}
 * checks both), then the entries of {@code getAdditionalProperties()} inline, as its
 * {@code @JsonAnyGetter} has databind write them. jackson-jr's own bean writer would write empty
 * collections and the additional properties as a property.
 *
 * <p>Thread model: immutable; shared by every write.
 */
final class BeanWriter implements ValueWriter {

    private final Class<?> type;
    private final List<Fabric8Properties.Property> properties;
    /** {@code getAdditionalProperties()}, which every fabric8 model class has; null if one had not. */
    private final MethodHandle additionalProperties;

    BeanWriter(Class<?> type) {
        this.type = type;
        this.properties = Fabric8Properties.of(type);
        this.additionalProperties = Fabric8Properties.additionalProperties(type);
    }

    @Override
    public void writeValue(JSONWriter context, JsonGenerator g, Object bean) throws JacksonException {
        g.writeStartObject(bean);
        for (Fabric8Properties.Property p : properties) {
            Object value = invoke(p.getter(), bean);
            if (value == null || value instanceof Collection<?> c && c.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty()) {
                continue;
            }
            g.writeName(p.name());
            context.writeValue(value);
        }
        if (additionalProperties != null && invoke(additionalProperties, bean) instanceof Map<?, ?> additional) {
            for (Map.Entry<?, ?> e : additional.entrySet()) {
                g.writeName(String.valueOf(e.getKey()));
                context.writeValue(e.getValue());
            }
        }
        g.writeEndObject();
    }

    private static Object invoke(MethodHandle getter, Object bean) {
        try {
            return getter.invokeExact(bean);
        } catch (Throwable e) {
            throw new JSONObjectException("cannot read a property of " + bean.getClass().getName() + ": " + e, e);
        }
    }

    @Override
    public Class<?> valueType() {
        return type;
    }
}
