package io.outpost.apiserver.registry;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import io.outpost.api.ResourceType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reading and writing {@code metadata} on object trees, and the kind/apiVersion stamp. Static
 * helpers over {@link ObjectNode}; they mutate the node they are given.
 */
final class ObjectMeta {

    private ObjectMeta() {
    }

    static ObjectNode meta(ObjectNode object) {
        return object.get("metadata") instanceof ObjectNode m ? m : object.putObject("metadata");
    }

    static String string(ObjectNode object, String field) {
        JsonNode v = object.path("metadata").path(field);
        return v.isString() ? v.stringValue() : null;
    }

    static String name(ObjectNode object) {
        return string(object, "name");
    }

    static String namespace(ObjectNode object) {
        return string(object, "namespace");
    }

    static String uid(ObjectNode object) {
        return string(object, "uid");
    }

    static boolean deleting(ObjectNode object) {
        return object.path("metadata").hasNonNull("deletionTimestamp");
    }

    static boolean hasFinalizers(ObjectNode object) {
        return !object.path("metadata").path("finalizers").isEmpty();
    }

    static Map<String, String> labels(ObjectNode object) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (var e : object.path("metadata").path("labels").properties()) {
            labels.put(e.getKey(), e.getValue().asString(""));
        }
        return labels;
    }

    /** RFC 3339 at second precision, as {@code metav1.Time} marshals. */
    /** ObjectMeta's fields that Go omits when empty ({@code omitempty}): kube never stores {@code labels: {}}. */
    private static final String[] OMIT_EMPTY = {"labels", "annotations", "finalizers", "ownerReferences", "managedFields"};

    /** Drops the empty metadata maps and lists a patch or update left behind, as kube's encoding does. */
    static ObjectNode dropEmpty(ObjectNode object) {
        if (object.get("metadata") instanceof ObjectNode meta) {
            for (String field : OMIT_EMPTY) {
                if (meta.has(field) && (meta.get(field).isNull() || meta.get(field).isEmpty())) {
                    meta.remove(field);
                }
            }
        }
        return object;
    }

    static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Sets kind and apiVersion first, as kube serializes them. */
    static ObjectNode withTypeMeta(ObjectNode object, ResourceType type) {
        ObjectNode out = object.objectNode();
        out.put("kind", type.kind().kind());
        out.put("apiVersion", type.kind().apiVersion());
        for (var e : object.properties()) {
            if (!e.getKey().equals("kind") && !e.getKey().equals("apiVersion")) {
                out.set(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The object without metadata and status: what a change of bumps {@code metadata.generation}. */
    static ObjectNode specPart(ObjectNode object) {
        ObjectNode rest = object.deepCopy();
        rest.remove("metadata");
        rest.remove("status");
        rest.remove("kind");
        rest.remove("apiVersion");
        return rest;
    }
}
