package io.outpost.agent.json;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.DaemonEndpoint;
import tools.jackson.jr.ob.impl.BeanPropertyIntrospector;
import tools.jackson.jr.ob.impl.JSONWriter;
import tools.jackson.jr.ob.impl.POJODefinition;

/**
 * The JSON properties of a fabric8 model class as jackson-jr reads and writes them, made to match
 * the names fabric8 declares with {@code @JsonProperty} without reading that annotation (reading
 * any annotation of a fabric8 class parses all of them, and its class annotations name Jackson
 * databind's {@code @JsonDeserialize}, which would load databind into the agent).
 *
 * <p>jackson-jr derives a name from a getter or setter ({@code getHostIP} → {@code hostIP}). For
 * every class reachable from the kinds the agent reads and writes, that name is fabric8's, except
 * those in {@link #RENAMED}; {@code Fabric8PropertiesTest} walks the classes by reflection and
 * fails when one more differs. {@code additionalProperties} is no property: fabric8 keeps unknown
 * fields in it ({@code @JsonAnySetter}/{@code @JsonAnyGetter}), which the agent's reader drops as the
 * API's {@code Codec} does, and its writer writes inline as the Codec does.
 *
 * <p>Properties come in fabric8's {@code @JsonPropertyOrder}: {@code apiVersion}, {@code kind} and
 * {@code metadata} first, then the others by name; so the bytes written are the Codec's.
 *
 * <p>Thread model: stateless; the results are cached per class ({@link ClassValue}).
 */
final class Fabric8Properties {

    /** One property: its JSON name, its getter (null: write-only) and its setter (null: read-only). */
    record Property(String name, Method getter, Method setter) {
    }

    /** The properties whose derived name is not fabric8's, by class: derived name → JSON name. */
    static final Map<Class<?>, Map<String, String>> RENAMED = Map.of(
            // kube's DaemonEndpoint is the one core type whose JSON field is capitalised (`json:"Port"`).
            DaemonEndpoint.class, Map.of("port", "Port"));

    private static final String ADDITIONAL_PROPERTIES = "additionalProperties";

    /** The properties fabric8 orders first, as Kubernetes writes them; the others follow by name. */
    private static final List<String> FIRST = List.of("apiVersion", "kind", "metadata");

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

    /** The properties of {@code type}, in fabric8's order. */
    static List<Property> of(Class<?> type) {
        return CACHE.get(type);
    }

    /** {@code definition} (jackson-jr's, for reading) with fabric8's names and no additionalProperties. */
    static POJODefinition forReading(POJODefinition definition, Class<?> type) {
        List<POJODefinition.Prop> props = new ArrayList<>();
        for (Property p : of(type)) {
            if (p.setter() != null) {
                props.add(new POJODefinition.Prop(p.name(), p.name(), null, p.setter(), p.getter(), null, null));
            }
        }
        return definition.withProperties(props);
    }

    private static List<Property> introspect(Class<?> type) {
        // A blueprint writer: introspection reads no feature of it that differs from the defaults.
        POJODefinition raw = BeanPropertyIntrospector.instance().pojoDefinitionForSerialization(new JSONWriter(), type);
        Map<String, String> renamed = RENAMED.getOrDefault(type, Map.of());
        List<Property> out = new ArrayList<>();
        for (POJODefinition.Prop p : raw.getProperties()) {
            if (p.name.equals(ADDITIONAL_PROPERTIES)) {
                continue;
            }
            if (p.getter != null) {
                p.getter.setAccessible(true);
            }
            if (p.setter != null) {
                p.setter.setAccessible(true);
            }
            out.add(new Property(renamed.getOrDefault(p.name, p.name), p.getter, p.setter));
        }
        out.sort(Comparator.comparingInt((Property p) -> FIRST.indexOf(p.name()) < 0 ? FIRST.size() : FIRST.indexOf(p.name()))
                .thenComparing(Property::name));
        return List.copyOf(out);
    }
}
