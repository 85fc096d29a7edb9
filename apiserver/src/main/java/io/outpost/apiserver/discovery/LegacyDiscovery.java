package io.outpost.apiserver.discovery;

import java.util.ArrayList;
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
 * The legacy (per group version) discovery documents, as kube-apiserver writes them:
 * {@code APIVersions} at {@code /api}, {@code APIGroupList} at {@code /apis}, {@code APIGroup}
 * at {@code /apis/<g>}, {@code APIResourceList} at {@code /api/v1} and {@code /apis/<g>/<v>}.
 * kubectl falls back to them when it did not ask for aggregated discovery, and
 * {@code auth can-i} always reads {@code /api/v1} (wire contract §1).
 *
 * <p>Thread model: stateless functions building fresh trees.
 */
final class LegacyDiscovery {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LegacyDiscovery() {
    }

    /**
     * {@code APIVersions}. kube-apiserver lists the address clients should use; here that is the
     * address the client used (its Host header), which is right behind NAT too.
     */
    static ObjectNode apiVersions(String serverAddress) {
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIVersions");
        doc.putArray("versions").add("v1");
        ArrayNode addresses = doc.putArray("serverAddressByClientCIDRs");
        if (serverAddress != null && !serverAddress.isEmpty()) {
            addresses.addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
        }
        return doc;
    }

    static ObjectNode apiGroupList(ResourceTypes types) {
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIGroupList");
        doc.put("apiVersion", "v1");
        ArrayNode groups = doc.putArray("groups");
        for (String group : types.groups()) {
            fillGroup(groups.addObject(), types, group);
        }
        return doc;
    }

    static ObjectNode apiGroup(ResourceTypes types, String group) {
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIGroup");
        doc.put("apiVersion", "v1");
        fillGroup(doc, types, group);
        return doc;
    }

    private static void fillGroup(ObjectNode node, ResourceTypes types, String group) {
        node.put("name", group);
        ArrayNode versions = node.putArray("versions");
        List<String> served = types.versions(group);
        for (String version : served) {
            versions.add(groupVersion(group, version));
        }
        node.set("preferredVersion", groupVersion(group, served.getFirst()));
    }

    private static ObjectNode groupVersion(String group, String version) {
        return NODES.objectNode().put("groupVersion", new GroupVersion(group, version).apiVersion()).put("version", version);
    }

    /**
     * {@code APIResourceList}: each resource, then each subresource as its own
     * {@code <plural>/<sub>} entry with an empty singular name; one whose kind is of another
     * group version ({@code deployments/scale}: {@code autoscaling/v1 Scale}) names it. Entries are
     * sorted by name, as kube-apiserver sorts them.
     */
    static ObjectNode apiResourceList(ResourceTypes types, GroupVersion gv) {
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIResourceList");
        doc.put("apiVersion", "v1");
        doc.put("groupVersion", gv.apiVersion());
        List<ObjectNode> entries = new ArrayList<>();
        for (ResourceType type : types.groupVersion(gv)) {
            entries.add(resource(type));
            for (Subresource sub : type.subresources()) {
                entries.add(subresource(type, sub, gv));
            }
        }
        entries.sort(Comparator.comparing(e -> e.get("name").asString()));
        ArrayNode resources = doc.putArray("resources");
        entries.forEach(resources::add);
        return doc;
    }

    private static ObjectNode resource(ResourceType type) {
        ObjectNode entry = NODES.objectNode();
        entry.put("name", type.plural());
        entry.put("singularName", type.singular());
        entry.put("namespaced", type.namespaced());
        entry.put("kind", type.kind().kind());
        strings(entry.putArray("verbs"), type.verbs());
        if (!type.shortNames().isEmpty()) {
            strings(entry.putArray("shortNames"), type.shortNames());
        }
        if (!type.categories().isEmpty()) {
            strings(entry.putArray("categories"), type.categories());
        }
        if (type.stored()) {
            entry.put("storageVersionHash", StorageVersionHash.of(type.kind()));
        }
        return entry;
    }

    private static ObjectNode subresource(ResourceType type, Subresource sub, GroupVersion gv) {
        ObjectNode entry = NODES.objectNode();
        entry.put("name", type.plural() + "/" + sub.name());
        entry.put("singularName", "");
        entry.put("namespaced", type.namespaced());
        GroupVersionKind kind = sub.responseKind();
        if (!GroupVersion.of(kind).equals(gv)) {
            entry.put("group", kind.group());
            entry.put("version", kind.version());
        }
        entry.put("kind", kind.kind());
        strings(entry.putArray("verbs"), sub.verbs());
        return entry;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
