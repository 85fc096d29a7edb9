package io.outpost.agent.json;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.jr.ob.JSONObjectException;
import tools.jackson.jr.ob.api.ValueReader;
import tools.jackson.jr.ob.impl.JSONReader;

/**
 * The reader of each type a fabric8 property has: a scalar ({@link StrictScalars}), a value type
 * ({@link ValueTypes}), another model object ({@link BeanReader}, one per class), and lists and
 * string-keyed maps of those, into an {@link ArrayList} and a {@link LinkedHashMap} as databind
 * fills them. {@code Fabric8PropertiesTest} checks that no reachable property has another type.
 *
 * <p>Thread model: the readers are immutable (or lazily completed, see {@link BeanReader}) and
 * shared; the bean readers are cached per class.
 */
final class TypeReaders {

    private static final ClassValue<BeanReader> BEANS = new ClassValue<>() {
        @Override
        protected BeanReader computeValue(Class<?> type) {
            return new BeanReader(type);
        }
    };

    private TypeReaders() {
    }

    /** The reader of a class that is not a list or a map, or null if this binding does not read it. */
    static ValueReader of(Class<?> type) {
        ValueReader r = ValueTypes.reader(type);
        if (r == null) {
            r = StrictScalars.reader(type);
        }
        if (r == null && Fabric8Properties.isModel(type)) {
            r = BEANS.get(type);
        }
        return r;
    }

    /**
     * The reader of a property's declared type.
     *
     * @throws IllegalArgumentException if it is none this binding reads
     */
    static ValueReader of(Type type) {
        if (type instanceof Class<?> c && of(c) != null) {
            return of(c);
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            return new ListReader(of(p.getActualTypeArguments()[0]));
        }
        if (type instanceof ParameterizedType p && p.getRawType() == Map.class && p.getActualTypeArguments()[0] == String.class) {
            return new MapReader(of(p.getActualTypeArguments()[1]));
        }
        throw new IllegalArgumentException("no reader for a fabric8 property of type " + type);
    }

    private static final class ListReader extends ValueReader {
        private final ValueReader elements;

        ListReader(ValueReader elements) {
            super(List.class);
            this.elements = elements;
        }

        @Override
        public Object read(JSONReader reader, JsonParser p) throws JacksonException {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw JSONObjectException.from(p, "cannot read %s as a list", _tokenDesc(p));
            }
            List<Object> list = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.add(elements.read(reader, p));
            }
            return list;
        }
    }

    private static final class MapReader extends ValueReader {
        private final ValueReader values;

        MapReader(ValueReader values) {
            super(Map.class);
            this.values = values;
        }

        @Override
        public Object read(JSONReader reader, JsonParser p) throws JacksonException {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return null;
            }
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw JSONObjectException.from(p, "cannot read %s as a map", _tokenDesc(p));
            }
            Map<String, Object> map = new LinkedHashMap<>();
            for (String key = p.nextName(); key != null; key = p.nextName()) {
                p.nextToken();
                map.put(key, values.read(reader, p));
            }
            return map;
        }
    }
}
