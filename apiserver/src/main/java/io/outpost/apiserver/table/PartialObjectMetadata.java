package io.outpost.apiserver.table;

import java.util.List;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code meta.k8s.io} PartialObjectMetadata: an object's whole {@code metadata} under
 * {@code kind: PartialObjectMetadata} (kube's {@code meta.AsPartialObjectMetadata} keeps every
 * metadata field, managedFields included), and the list form metadata-only informers ask for.
 *
 * <p>Thread model: pure functions; inputs are copied, never shared.
 */
public final class PartialObjectMetadata {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PartialObjectMetadata() {
    }

    /** @param version {@code v1} or {@code v1beta1} of {@code meta.k8s.io} */
    public static ObjectNode of(ObjectNode object, String version) {
        ObjectNode out = NODES.objectNode();
        out.put("kind", "PartialObjectMetadata");
        out.put("apiVersion", OutputFormat.GROUP + "/" + version);
        out.set("metadata", object.path("metadata").isObject() ? object.get("metadata").deepCopy() : NODES.objectNode());
        return out;
    }

    public static ObjectNode list(List<ObjectNode> items, ListMeta meta, String version) {
        ObjectNode out = NODES.objectNode();
        out.put("kind", "PartialObjectMetadataList");
        out.put("apiVersion", OutputFormat.GROUP + "/" + version);
        out.set("metadata", meta.toJson());
        ArrayNode array = out.putArray("items");
        for (ObjectNode item : items) {
            array.add(of(item, version));
        }
        return out;
    }
}
