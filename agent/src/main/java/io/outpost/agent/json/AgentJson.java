package io.outpost.agent.json;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import tools.jackson.core.JacksonException;
import tools.jackson.jr.ob.JSON;
import tools.jackson.jr.ob.JSONObjectException;

/**
 * The agent's JSON: fabric8 model objects (and plain maps) to and from JSON bytes with
 * jackson-jr, reading and writing what the API's {@code Codec} (Jackson databind over fabric8's
 * annotations) reads and writes: fabric8's property names, nulls and empty lists and maps left
 * out, map keys sorted, unknown fields dropped (as the Codec drops them: kube-apiserver drops
 * them too), {@code Quantity}, {@code IntOrString} and {@code MicroTime} as their strings and
 * ints. {@code AgentJsonFidelityTest} holds it to that on a corpus of rich objects.
 *
 * <p>Why not the Codec: databind bound to fabric8 costs the agent about 24 MB resident (1,600
 * classes, introspection caches, annotation proxies, method-handle lambda forms); jackson-jr
 * about 10 MB for the same ten pods decoded and statuses encoded. A class once loaded stays
 * loaded, so no path the agent runs with its pods (start, restart, decode, status, events) may
 * touch databind; {@code NoDatabindInTheAgentTest} checks that in a JVM of its own. Nothing here
 * reads a fabric8 annotation or lists a model class's methods (see {@link Fabric8Properties}).
 *
 * <p>Measured (2026-11-25, Temurin 25, the launcher's agent flags, {@code outpost agent --runtime
 * process} with a 10-replica Deployment of shell loops, VmRSS 75 s after start, median of 3):
 * an agent restarted on its data dir 98.1 MB with the Codec, 81.8 MB with this (no databind class
 * loaded); a first start 103.6 MB, 91.1 MB (the join's CSR exchange still loads databind there).
 *
 * <p>Thread model: stateless and thread-safe; jackson-jr caches the readers and writers it
 * resolves, per type, shared by every thread.
 */
public final class AgentJson {

    private static final JSON BINDING = JSON.builder()
            .register(new Fabric8Extension())
            // Plain LinkedHashMaps, as databind builds, rather than jackson-jr's lazily filled ones.
            .disable(JSON.Feature.USE_DEFERRED_MAPS)
            // A repeated key: the last wins, as with databind (the server refuses duplicates anyway).
            .disable(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS)
            .disable(JSON.Feature.FAIL_ON_UNKNOWN_BEAN_PROPERTY)
            .build();

    private AgentJson() {
    }

    /**
     * {@code json} as a {@code type} (a fabric8 model class, or any bean).
     *
     * @throws JacksonException if it is not well-formed JSON of an object, or a value has the wrong type
     */
    public static <T> T decode(byte[] json, Class<T> type) {
        T value = BINDING.beanFrom(type, json);
        if (value == null) {
            throw new JSONObjectException("expected a JSON object for " + type.getSimpleName() + ", got null");
        }
        return value;
    }

    /**
     * A Kubernetes object of {@code type} from {@code json}, at {@code resourceVersion} (the
     * store's revision the tunnel tagged it with, which the JSON may not carry).
     */
    public static <T extends HasMetadata> T decodeAt(byte[] json, Class<T> type, long resourceVersion) {
        T object = decode(json, type);
        if (object.getMetadata() == null) {
            object.setMetadata(new ObjectMeta());
        }
        object.getMetadata().setResourceVersion(Long.toString(resourceVersion));
        return object;
    }

    /**
     * {@code json} as plain values: a {@code Map<String, Object>} for an object, a
     * {@code List<Object>} for an array, strings, numbers, booleans and null.
     *
     * @throws JacksonException if it is not well-formed JSON
     */
    public static Object plain(byte[] json) {
        return BINDING.anyFrom(json);
    }

    /** {@code value} (a fabric8 object, a map, a list or a scalar) as JSON bytes. */
    public static byte[] encode(Object value) {
        return BINDING.asBytes(value);
    }
}
