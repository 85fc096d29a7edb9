package io.outpost.apiserver.openapi;

import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The JSON properties of a fabric8 model class, read by reflection from the {@code @JsonProperty}
 * annotations of its fields (and its superclasses'), sorted by name as kube's OpenAPI lists
 * them. fabric8's catch-all {@code additionalProperties} carries {@code @JsonIgnore} and is left out.
 *
 * <p>Stateless.
 */
final class ModelProperties {

    private ModelProperties() {
    }

    /** JSON name to the field's generic type. */
    static Map<String, Type> of(Class<?> type) {
        Map<String, Type> properties = new TreeMap<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                JsonProperty property = field.getAnnotation(JsonProperty.class);
                if (property == null || field.isAnnotationPresent(JsonIgnore.class)) {
                    continue;
                }
                String name = property.value().isEmpty() ? field.getName() : property.value();
                properties.putIfAbsent(name, field.getGenericType());
            }
        }
        return properties;
    }

    /** The class of a list's elements or a map's values, or the class itself. */
    static Class<?> elementClass(Type type) {
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                return erase(args[0]);
            }
            if (Map.class.isAssignableFrom(raw)) {
                return erase(args[1]);
            }
            return raw;
        }
        return erase(type);
    }

    static Class<?> erase(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            return raw;
        }
        return Object.class;
    }
}
