package io.outpost.tunnel;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * {@link JsonTree} over a Jackson databind tree: the server's reading of a pod. Kept out of
 * {@link JsonTree} itself so that the agent, which never builds databind trees, does not load
 * databind through it.
 *
 * <p>Thread model: an immutable view; the tree must not change while read.
 */
record JsonNodeTree(JsonNode node) implements JsonTree {

    @Override
    public JsonTree path(String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? MISSING : new JsonNodeTree(value);
    }

    @Override
    public List<JsonTree> elements() {
        if (!node.isArray()) {
            return List.of();
        }
        List<JsonTree> out = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            out.add(new JsonNodeTree(element));
        }
        return out;
    }

    @Override
    public String text() {
        return node.isString() ? node.asString() : "";
    }
}
