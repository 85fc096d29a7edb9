package io.outpost.agent.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.annotation.JsonSerialize;
import tools.jackson.jr.ob.impl.BeanPropertyIntrospector;
import tools.jackson.jr.ob.impl.JSONWriter;
import tools.jackson.jr.ob.impl.POJODefinition;

/**
 * What a binding that reads none of fabric8's annotations could get wrong about its model, found by walking by
 * reflection every class reachable from the kinds the agent reads and writes, and comparing
 * fabric8's Jackson annotations (which the agent's binding must not read) with what
 * {@link Fabric8Properties}, {@link ValueTypes} and {@link BeanWriter} do. A fabric8 upgrade that
 * adds a renamed property, a custom serializer or another inclusion rule fails here.
 */
class Fabric8PropertiesTest {

    /** What the agent decodes (tunnel), encodes (reports) and, after the lead's switch, its CSR. */
    static final List<Class<?>> ROOTS = List.of(Pod.class, Node.class, ConfigMap.class, Secret.class, PodStatus.class,
            NodeStatus.class, Event.class, CertificateSigningRequest.class);

    static final Set<Class<?>> VALUE_TYPES = Set.of(Quantity.class, IntOrString.class, MicroTime.class);

    static Set<Class<?>> reachable() {
        Set<Class<?>> seen = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(ROOTS);
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!seen.add(c) || VALUE_TYPES.contains(c)) {
                continue;
            }
            for (Field f : fields(c)) {
                for (Class<?> t : rawTypes(f.getGenericType())) {
                    if (Fabric8Properties.isModel(t)) {
                        todo.add(t);
                    }
                }
            }
        }
        return seen;
    }

    static Stream<Class<?>> beans() {
        return reachable().stream().filter(c -> !VALUE_TYPES.contains(c));
    }

    @Test
    void theWalkReachesTheClassesTheAgentUses() {
        assertThat(reachable()).hasSizeGreaterThan(150).contains(Quantity.class, IntOrString.class, MicroTime.class,
                io.fabric8.kubernetes.api.model.DaemonEndpoint.class, io.fabric8.kubernetes.api.model.ProjectedVolumeSource.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("beans")
    void everyPropertyHasFabric8sNameInFabric8sOrderWithAGetterAndASetter(Class<?> type) {
        JsonPropertyOrder order = type.getAnnotation(JsonPropertyOrder.class);
        List<String> declared = new ArrayList<>();
        for (Field f : fields(type)) {
            JsonProperty p = f.getAnnotation(JsonProperty.class);
            if (p != null) {
                declared.add(p.value());
            }
        }

        assertThat(order).as("fabric8 orders the properties").isNotNull();
        assertThat(order.value()).containsExactlyInAnyOrderElementsOf(declared);
        assertThat(Fabric8Properties.of(type)).extracting(Fabric8Properties.Property::name).containsExactly(order.value());
        assertThat(Fabric8Properties.of(type)).allSatisfy(p -> {
            assertThat(p.getter()).as(p.name() + "'s getter").isNotNull();
            assertThat(p.setter()).as(p.name() + "'s setter").isNotNull();
        });
    }

    @Test
    void theOnlyFieldsNamedOtherwiseInJsonAreTheRenamedOnes() {
        Map<Class<?>, Map<String, String>> differ = new HashMap<>();
        List<String> unnamed = new ArrayList<>();
        beans().forEach(type -> {
            for (Field f : fields(type)) {
                JsonProperty p = f.getAnnotation(JsonProperty.class);
                if (p == null) {
                    if (!f.getName().equals(Fabric8Properties.ADDITIONAL_PROPERTIES)) {
                        unnamed.add(type.getSimpleName() + "." + f.getName());
                    }
                } else if (!p.value().equals(f.getName())) {
                    differ.computeIfAbsent(type, k -> new HashMap<>()).put(f.getName(), p.value());
                }
            }
        });

        assertThat(unnamed).as("fields that are no JSON property").isEmpty();
        assertThat(differ).isEqualTo(Fabric8Properties.RENAMED);
    }

    @Test
    void jacksonJrsOwnIntrospectionWouldHaveFoundTheSameNamesButLoadedEveryBuilder() {
        // Documents the choice in Fabric8Properties: the same names, from getters, at the cost of the builders.
        beans().forEach(type -> {
            Set<String> derived = new TreeSet<>();
            for (POJODefinition.Prop p : BeanPropertyIntrospector.instance().pojoDefinitionForSerialization(new JSONWriter(), type)
                    .getProperties()) {
                derived.add(Fabric8Properties.RENAMED.getOrDefault(type, Map.of()).getOrDefault(p.name, p.name));
            }
            derived.remove(Fabric8Properties.ADDITIONAL_PROPERTIES);
            assertThat(derived).as(type.getSimpleName())
                    .containsExactlyInAnyOrderElementsOf(Fabric8Properties.of(type).stream().map(Fabric8Properties.Property::name).toList());
        });
    }

    @Test
    void onlyTheValueTypesHaveTheirOwnSerializersOrCreators() {
        Set<String> custom = new TreeSet<>();
        for (Class<?> type : reachable()) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                JsonSerialize ser = c.getAnnotation(JsonSerialize.class);
                JsonDeserialize deser = c.getAnnotation(JsonDeserialize.class);
                boolean creator = Stream.of(c.getDeclaredConstructors()).anyMatch(k -> k.isAnnotationPresent(JsonCreator.class))
                        || Stream.of(c.getDeclaredMethods()).anyMatch(m -> m.isAnnotationPresent(JsonCreator.class));
                if (ser != null && ser.using() != ValueSerializer.None.class || deser != null && deser.using() != ValueDeserializer.None.class
                        || creator) {
                    custom.add(type.getSimpleName());
                }
            }
        }

        assertThat(custom).containsExactlyInAnyOrder("Quantity", "IntOrString", "MicroTime");
        assertThat(VALUE_TYPES).allSatisfy(t -> {
            assertThat(ValueTypes.reader(t)).isNotNull();
            assertThat(ValueTypes.writer(t)).isNotNull();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("beans")
    void nullsAreLeftOutAndEmptyListsAndMapsToo(Class<?> type) {
        JsonInclude classLevel = type.getAnnotation(JsonInclude.class);
        assertThat(classLevel).isNotNull();
        assertThat(classLevel.value()).isEqualTo(JsonInclude.Include.NON_NULL);
        for (Field f : fields(type)) {
            if (!f.isAnnotationPresent(JsonProperty.class)) {
                continue;
            }
            JsonInclude include = f.getAnnotation(JsonInclude.class);
            boolean collection = List.class.isAssignableFrom(f.getType()) || Map.class.isAssignableFrom(f.getType());
            if (collection) {
                assertThat(include).as(f.getName()).isNotNull();
                assertThat(include.value()).as(f.getName()).isEqualTo(JsonInclude.Include.NON_EMPTY);
            } else {
                assertThat(include).as(f.getName() + " has the class's inclusion").isNull();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("beans")
    void noOtherAnnotationChangesHowAPropertyIsBound(Class<?> type) {
        Set<Class<? extends Annotation>> plain = Set.of(JsonProperty.class, JsonInclude.class);
        for (Field f : fields(type)) {
            for (Annotation a : f.getAnnotations()) {
                boolean additional = f.getName().equals("additionalProperties") && a.annotationType() == JsonIgnore.class;
                assertThat(plain.contains(a.annotationType()) || additional).as(type.getSimpleName() + "." + f.getName() + " " + a).isTrue();
            }
        }
        for (var m : type.getDeclaredMethods()) {
            for (Annotation a : m.getAnnotations()) {
                boolean collection = List.class.isAssignableFrom(m.getReturnType()) || Map.class.isAssignableFrom(m.getReturnType());
                boolean ok = a.annotationType() == JsonProperty.class
                        || a instanceof JsonInclude i && collection && i.value() == JsonInclude.Include.NON_EMPTY
                        || a.annotationType() == JsonIgnore.class && Set.of("edit", "toBuilder", "getAdditionalProperties").contains(m.getName())
                        || a.annotationType() == JsonAnyGetter.class && m.getName().equals("getAdditionalProperties")
                        || a.annotationType() == JsonAnySetter.class && m.getName().equals("setAdditionalProperty");
                assertThat(ok).as(type.getSimpleName() + "." + m.getName() + " " + a).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("beans")
    void everyPropertyIsOfATypeTheBindingReads(Class<?> type) {
        for (Fabric8Properties.Property p : Fabric8Properties.of(type)) {
            assertThat(readable(p.type())).as(type.getSimpleName() + "." + p.name() + ": " + p.type()).isTrue();
            assertThat(TypeReaders.of(p.type())).isNotNull();
        }
    }

    private static boolean readable(Type t) {
        if (t instanceof Class<?> c) {
            return c == String.class || c == Integer.class || c == Long.class || c == Boolean.class || Fabric8Properties.isModel(c);
        }
        if (t instanceof ParameterizedType p && p.getRawType() == List.class) {
            return readable(p.getActualTypeArguments()[0]);
        }
        if (t instanceof ParameterizedType p && p.getRawType() == Map.class) {
            return p.getActualTypeArguments()[0] == String.class && readable(p.getActualTypeArguments()[1]);
        }
        return false;
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    private static List<Class<?>> rawTypes(Type t) {
        List<Class<?>> out = new ArrayList<>();
        if (t instanceof Class<?> c) {
            out.add(c);
        } else if (t instanceof ParameterizedType p) {
            out.add((Class<?>) p.getRawType());
            for (Type a : p.getActualTypeArguments()) {
                out.addAll(rawTypes(a));
            }
        }
        return out;
    }
}
