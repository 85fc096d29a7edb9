package io.outpost.agent.json;

import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.jr.ob.JSONObjectException;
import tools.jackson.jr.ob.api.ValueReader;
import tools.jackson.jr.ob.impl.JSONReader;

/**
 * Reads a fabric8 model object as the API's {@code Codec} does: its {@link Fabric8Properties} by
 * name, each through its setter (a repeated name: the last wins), an unknown name skipped and
 * dropped (fabric8 would keep it in {@code additionalProperties}; the Codec, as kube-apiserver,
 * drops it), a JSON null read as a null object.
 *
 * <p>Thread model: shared by every read; the property readers are resolved on first use (the
 * model's types may refer to each other), at worst twice, to the same result.
 */
final class BeanReader extends ValueReader {

    private record Slot(MethodHandle setter, ValueReader reader) {
    }

    private final MethodHandle constructor;
    private volatile Map<String, Slot> slots;

    BeanReader(Class<?> type) {
        super(type);
        this.constructor = Fabric8Properties.constructor(type);
    }

    @Override
    public Object read(JSONReader reader, JsonParser p) throws JacksonException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.START_OBJECT) {
            throw JSONObjectException.from(p, "cannot read %s as %s", _tokenDesc(p), _valueType.getSimpleName());
        }
        Map<String, Slot> byName = slots();
        Object bean = invoke(p, constructor);
        for (String name = p.nextName(); name != null; name = p.nextName()) {
            Slot slot = byName.get(name);
            p.nextToken();
            if (slot == null) {
                p.skipChildren();
                continue;
            }
            Object value = slot.reader().read(reader, p);
            invoke(p, slot.setter(), bean, value);
        }
        return bean;
    }

    private Map<String, Slot> slots() {
        Map<String, Slot> s = slots;
        if (s == null) {
            List<Fabric8Properties.Property> properties = Fabric8Properties.of(_valueType);
            s = new HashMap<>(properties.size() * 2);
            for (Fabric8Properties.Property property : properties) {
                s.put(property.name(), new Slot(property.setter(), TypeReaders.of(property.type())));
            }
            slots = s;
        }
        return s;
    }

    private Object invoke(JsonParser p, MethodHandle constructor) {
        try {
            return constructor.invokeExact();
        } catch (Throwable e) {
            throw JSONObjectException.from(p, e, "cannot create a %s: %s", _valueType.getSimpleName(), e.toString());
        }
    }

    private void invoke(JsonParser p, MethodHandle setter, Object bean, Object value) {
        try {
            setter.invokeExact(bean, value);
        } catch (Throwable e) {
            // fabric8's setters only assign; IntOrString's constructor is the one that refuses values.
            throw JSONObjectException.from(p, e, "cannot set a property of %s: %s", _valueType.getSimpleName(), e.toString());
        }
    }
}
