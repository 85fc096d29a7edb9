package io.outpost.apiserver.patch;

import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * RFC 7386 JSON Merge Patch ({@code application/merge-patch+json}): an object patch merges into an
 * object member by member, {@code null} deletes a member, anything else (arrays included) replaces
 * the target. kubectl sends it for {@code label}, {@code annotate} ({@code "k":null} removes a
 * key), {@code scale} on the scale subresource, and for any {@code apply} of a kind it has no Go
 * type for (custom resources).
 *
 * <p>Pure and stateless: the live tree is never modified, a new tree is returned; safe from any
 * thread.
 *
 * <p>kube (evanphx/json-patch {@code MergePatch}) refuses a patch that is JSON {@code null} with
 * 400 "Invalid JSON Patch"; a patch that is an array or scalar replaces the whole document, which
 * the caller's decoding then refuses as not being an object of the kind.
 */
final class MergePatches {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MergePatches() {
    }

    static JsonNode apply(JsonNode live, JsonNode patch) {
        if (patch.isNull()) {
            throw PatchException.badRequest("Invalid JSON Patch");
        }
        return merge(live.deepCopy(), patch);
    }

    /**
     * RFC 7386 §2 MergePatch(Target, Patch). {@code target} belongs to the result (a copy of the
     * live tree) and is changed in place; {@code patch} is only read.
     */
    private static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : NODES.objectNode();
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            JsonNode value = member.getValue();
            if (value.isNull()) {
                result.remove(member.getKey());
            } else {
                result.set(member.getKey(), merge(result.get(member.getKey()), value));
            }
        }
        return result;
    }
}
