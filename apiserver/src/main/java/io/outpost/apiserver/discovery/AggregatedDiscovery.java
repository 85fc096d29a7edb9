package io.outpost.apiserver.discovery;

import java.util.Comparator;
import java.util.List;

import io.outpost.api.GroupVersion;
import io.outpost.api.GroupVersionKind;
import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.api.Subresource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Aggregated discovery ({@code apidiscovery.k8s.io} {@code APIGroupDiscoveryList}): every
 * resource of every group version in one document, so kubectl needs two requests, not one per
 * group version. {@code /api} holds the core group as a single item with an empty name;
 * {@code /apis} holds the named groups. v2 and v2beta1 have the same shape; only
 * {@code apiVersion} differs.
 *
 * <p>Thread model: stateless functions building fresh trees.
 */
final class AggregatedDiscovery {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AggregatedDiscovery() {
    }

    /** The document for {@code /api}. */
    static ObjectNode core(ResourceTypes types, DiscoveryFormat format) {
        ObjectNode doc = list(format);
        ArrayNode items = doc.putArray("items");
        group(items.addObject(), types, "");
        return doc;
    }

    /** The document for {@code /apis}. */
    static ObjectNode groups(ResourceTypes types, DiscoveryFormat format) {
        ObjectNode doc = list(format);
        ArrayNode items = doc.putArray("items");
        for (String group : types.groups()) {
            group(items.addObject(), types, group);
        }
        return doc;
    }

    private static ObjectNode list(DiscoveryFormat format) {
        if (!format.aggregated()) {
            throw new IllegalArgumentException(format + " is not an aggregated format");
        }
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", DiscoveryFormat.KIND);
        doc.put("apiVersion", format.apiVersion());
        doc.putObject("metadata");
        return doc;
    }

    /** One {@code APIGroupDiscovery}: versions preferred first, each {@code Current}. */
    private static void group(ObjectNode item, ResourceTypes types, String group) {
        ObjectNode metadata = item.putObject("metadata");
        if (!group.isEmpty()) {
            metadata.put("name", group);
        }
        ArrayNode versions = item.putArray("versions");
        for (String version : types.versions(group)) {
            ObjectNode v = versions.addObject();
            v.put("version", version);
            ArrayNode resources = v.putArray("resources");
            types.groupVersion(new GroupVersion(group, version)).stream()
                    .sorted(Comparator.comparing(ResourceType::plural))
                    .forEach(type -> resource(resources.addObject(), type));
            v.put("freshness", "Current");
        }
    }

    private static void resource(ObjectNode node, ResourceType type) {
        node.put("resource", type.plural());
        node.set("responseKind", kind(type.kind()));
        node.put("scope", type.scope().discoveryName());
        node.put("singularResource", type.singular());
        strings(node.putArray("verbs"), type.verbs());
        if (!type.shortNames().isEmpty()) {
            strings(node.putArray("shortNames"), type.shortNames());
        }
        if (!type.categories().isEmpty()) {
            strings(node.putArray("categories"), type.categories());
        }
        if (!type.subresources().isEmpty()) {
            ArrayNode subresources = node.putArray("subresources");
            type.subresources().stream().sorted(Comparator.comparing(Subresource::name)).forEach(sub -> {
                ObjectNode s = subresources.addObject();
                s.put("subresource", sub.name());
                s.set("responseKind", kind(sub.responseKind()));
                strings(s.putArray("verbs"), sub.verbs());
            });
        }
    }

    /** A {@code GroupVersionKind}; the core group is written as {@code ""}, as Go writes it. */
    private static ObjectNode kind(GroupVersionKind kind) {
        return NODES.objectNode().put("group", kind.group()).put("version", kind.version()).put("kind", kind.kind());
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
