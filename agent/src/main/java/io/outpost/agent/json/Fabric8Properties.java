package io.outpost.agent.json;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.DaemonEndpoint;

/**
 * The JSON properties of a fabric8 model class, as fabric8 declares them with
 * {@code @JsonProperty}, found without reading that annotation or listing the class's methods.
 *
 * <p>Why not jackson-jr's bean introspection, nor annotations: reading any annotation of a fabric8
 * class parses all of them, and its class annotations name databind's {@code @JsonDeserialize},
 * which loads databind; listing a class's methods ({@code getDeclaredMethods}, which jackson-jr's
 * introspection calls, and {@code getMethod}) loads every type in their signatures, so each model
 * class brings its builder and fluent classes ({@code edit()}, {@code toBuilder()}): measured 323
 * classes, 3.1 MB of metaspace, for the kinds the agent reads, which it otherwise never loads.
 * So a property is a field of the class (superclasses first), named as the field, except those
 * in {@link #RENAMED}; read and written through its bean getter and setter, looked up one by one
 * as method handles. {@code Fabric8PropertiesTest} walks every class reachable from the kinds the
 * agent reads and writes and fails if a name, an order, a getter or a setter is not fabric8's.
 *
 * <p>{@code additionalProperties} is no property: fabric8 keeps unknown fields in it
 * ({@code @JsonAnySetter}/{@code @JsonAnyGetter}), which the agent's reader drops as the API's
 * {@code Codec} does, and its writer writes inline as the Codec does.
 *
 * <p>Properties come in fabric8's {@code @JsonPropertyOrder}: {@code apiVersion}, {@code kind} and
 * {@code metadata} first, then the others by name; so the bytes written are the Codec's.
 *
 * <p>Thread model: stateless; the results are cached per class ({@link ClassValue}).
 */
final class Fabric8Properties {

    /**
     * One property: its JSON name, its declared (generic) type, its getter as
     * {@code (Object)Object} and its setter as {@code (Object,Object)void}.
     */
    record Property(String name, Type type, MethodHandle getter, MethodHandle setter) {
    }

    /** The fields whose JSON name is not the field's, by class: field name → JSON name. */
    static final Map<Class<?>, Map<String, String>> RENAMED = Map.of(
            // kube's DaemonEndpoint is the one core type whose JSON field is capitalised (`json:"Port"`).
            DaemonEndpoint.class, Map.of("port", "Port"));

    static final String ADDITIONAL_PROPERTIES = "additionalProperties";

    /** The properties fabric8 orders first, as Kubernetes writes them; the others follow by name. */
    private static final List<String> FIRST = List.of("apiVersion", "kind", "metadata");

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();
    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
    private static final MethodType SETTER = MethodType.methodType(void.class, Object.class, Object.class);

    private static final ClassValue<List<Property>> CACHE = new ClassValue<>() {
        @Override
        protected List<Property> computeValue(Class<?> type) {
            return introspect(type);
        }
    };

    private Fabric8Properties() {
    }

    /** Whether {@code type} is one of fabric8's model classes, bound by this package. */
    static boolean isModel(Class<?> type) {
        return type.getName().startsWith("io.fabric8.kubernetes.api.model.");
    }

    /**
     * The properties of {@code type}, in fabric8's order.
     *
     * @throws IllegalArgumentException if a field has no public bean getter and setter
     */
    static List<Property> of(Class<?> type) {
        return CACHE.get(type);
    }

    /** {@code getAdditionalProperties()} as {@code (Object)Object}, or null if {@code type} has none. */
    static MethodHandle additionalProperties(Class<?> type) {
        try {
            return LOOKUP.findVirtual(type, "getAdditionalProperties", MethodType.methodType(Map.class)).asType(GETTER);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }

    /** The no-argument constructor as {@code ()Object}. */
    static MethodHandle constructor(Class<?> type) {
        try {
            return LOOKUP.findConstructor(type, MethodType.methodType(void.class)).asType(MethodType.methodType(Object.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalArgumentException(type.getName() + " has no public no-argument constructor", e);
        }
    }

    private static List<Property> introspect(Class<?> type) {
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            chain.addFirst(c);
        }
        Map<String, String> renamed = RENAMED.getOrDefault(type, Map.of());
        List<Property> out = new ArrayList<>();
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || f.getName().equals(ADDITIONAL_PROPERTIES)) {
                    continue;
                }
                String bean = Character.toUpperCase(f.getName().charAt(0)) + f.getName().substring(1);
                try {
                    MethodHandle getter = LOOKUP.findVirtual(type, "get" + bean, MethodType.methodType(f.getType())).asType(GETTER);
                    MethodHandle setter = LOOKUP.findVirtual(type, "set" + bean, MethodType.methodType(void.class, f.getType()))
                            .asType(SETTER);
                    out.add(new Property(renamed.getOrDefault(f.getName(), f.getName()), f.getGenericType(), getter, setter));
                } catch (NoSuchMethodException | IllegalAccessException e) {
                    throw new IllegalArgumentException(type.getName() + "." + f.getName() + " has no public get" + bean
                            + "/set" + bean + ": not a fabric8 model property", e);
                }
            }
        }
        out.sort(Comparator.comparingInt((Property p) -> FIRST.indexOf(p.name()) < 0 ? FIRST.size() : FIRST.indexOf(p.name()))
                .thenComparing(Property::name));
        return List.copyOf(out);
    }
}
