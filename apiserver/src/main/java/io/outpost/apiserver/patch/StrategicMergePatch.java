package io.outpost.apiserver.patch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * kube's strategic merge patch ({@code application/strategic-merge-patch+json}), as its
 * {@code apimachinery/pkg/util/strategicpatch} applies one on the server
 * ({@code StrategicMergeMapPatch}): a JSON merge patch whose lists follow the kind's
 * {@link PatchStrategies} and whose directives say what plain JSON cannot.
 *
 * <ul>
 *   <li>Objects merge key by key; {@code null} deletes a key; scalars replace.</li>
 *   <li>A list with a merge strategy merges: objects by merge key (a patch element updates the
 *       live element with the same key, or is appended), scalars as a set. Any other list is
 *       replaced whole.</li>
 *   <li>{@code {"$patch":"replace", ...}} replaces an object instead of merging it;
 *       {@code {"$patch":"delete"}} empties it. In a merged list, {@code {"$patch":"delete",
 *       "<key>":v}} deletes the element with that key and {@code {"$patch":"replace"}} makes the
 *       other patch elements the whole list.</li>
 *   <li>{@code "$retainKeys":[...]} clears every live key not listed (a patch key not listed is a
 *       400).</li>
 *   <li>{@code "$setElementOrder/<list>":[...]} orders the merged list: listed elements in that
 *       order, live-only elements kept where they were relative to them.</li>
 *   <li>{@code "$deleteFromPrimitiveList/<list>":[...]} removes those values from a scalar list.</li>
 * </ul>
 *
 * <p>Where kube stores a patch value verbatim because the live object lacks the field, we apply
 * the patch to an empty value instead, so a directive can never reach storage (kube would keep
 * the element {@code {"$patch":"delete","name":"x"}} of a list the live object did not have, and
 * its typed decoding then turns it into an element named x). Deleting from a primitive list the
 * live object lacks does nothing (kube would create the list from the values to delete).
 *
 * <p>Pure: one instance serves one call and changes only its own copy of the live tree; the patch
 * is only read. Safe to run on any thread.
 */
final class StrategicMergePatch {

    static final String DIRECTIVE = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String SET_ELEMENT_ORDER = "$setElementOrder";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final PatchStrategies strategies;
    private final StrategicLists lists;

    private StrategicMergePatch(PatchStrategies strategies) {
        this.strategies = strategies;
        this.lists = new StrategicLists(this);
    }

    static JsonNode apply(JsonNode live, JsonNode patch, PatchStrategies strategies) {
        if (!patch.isObject()) {
            throw PatchException.badRequest("json: cannot unmarshal " + JsonPatches.goKind(patch)
                    + " into Go value of type map[string]interface {}");
        }
        ObjectNode original = live.isObject() ? ((ObjectNode) live).deepCopy() : NODES.objectNode();
        return new StrategicMergePatch(strategies).mergeMap(original, (ObjectNode) patch, "");
    }

    Optional<PatchStrategies.Field> field(String path) {
        return strategies.field(path);
    }

    /** Merges {@code patch} into {@code original}, which this call owns and may change. */
    ObjectNode mergeMap(ObjectNode original, ObjectNode patch, String path) {
        JsonNode directive = patch.get(DIRECTIVE);
        if (directive != null) {
            if (directive.isString() && directive.stringValue().equals("replace")) {
                ObjectNode rest = NODES.objectNode();
                patch.properties().forEach(e -> {
                    if (!e.getKey().equals(DIRECTIVE)) {
                        rest.set(e.getKey(), e.getValue());
                    }
                });
                return mergeMap(NODES.objectNode(), rest, path);
            }
            if (directive.isString() && directive.stringValue().equals("delete")) {
                return NODES.objectNode();
            }
            throw PatchException.plain("unknown patch type: " + GoText.of(directive) + " in map: " + GoText.of(patch));
        }
        retainKeys(original, patch);

        Set<String> done = new HashSet<>();
        for (String key : patch.propertyNames()) {
            if (key.startsWith(SET_ELEMENT_ORDER)) {
                String list = listName(key, SET_ELEMENT_ORDER, "invalid patch format of setElementOrder list");
                mergeOrdered(original, patch, list, patch.get(key), child(path, list));
                done.add(key);
                done.add(list);
            }
        }
        List<Map.Entry<String, JsonNode>> deletions = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : patch.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (done.contains(key) || key.equals(RETAIN_KEYS)) {
                continue;
            }
            if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                deletions.add(entry);
                continue;
            }
            if (value.isNull()) {
                original.remove(key);
                continue;
            }
            String at = child(path, key);
            JsonNode live = original.get(key);
            if (live == null || live.getNodeType() != value.getNodeType()) {
                original.set(key, fresh(value, at));
            } else if (value.isObject()) {
                original.set(key, mergeMap((ObjectNode) live, (ObjectNode) value, at));
            } else if (value.isArray()) {
                original.set(key, mergeList((ArrayNode) live, (ArrayNode) value, at));
            } else {
                original.set(key, value.deepCopy());
            }
        }
        for (Map.Entry<String, JsonNode> deletion : deletions) {
            String list = listName(deletion.getKey(), DELETE_FROM_PRIMITIVE_LIST, "invalid patch format of primitive list");
            if (!deletion.getValue().isArray()) {
                throw PatchException.badRequest("invalid patch format of primitive list");
            }
            JsonNode live = original.get(list);
            if (live != null && live.isArray()) {
                original.set(list, StrategicLists.without((ArrayNode) live, (ArrayNode) deletion.getValue()));
            }
        }
        return original;
    }

    /** A patch value for a field the live object lacks: the patch applied to nothing. */
    JsonNode fresh(JsonNode value, String path) {
        if (value.isObject()) {
            return mergeMap(NODES.objectNode(), (ObjectNode) value, path);
        }
        if (value.isArray()) {
            return mergeList(NODES.arrayNode(), (ArrayNode) value, path);
        }
        return value.deepCopy();
    }

    private ArrayNode mergeList(ArrayNode live, ArrayNode patch, String path) {
        Optional<PatchStrategies.Field> field = field(path);
        if (field.isPresent() && field.get().merge()) {
            return lists.merge(live, patch, path, field.get().mergeKey());
        }
        return patch.deepCopy();
    }

    /** {@code $setElementOrder/<list>}: merge the list (if patched), then order it. */
    private void mergeOrdered(ObjectNode original, ObjectNode patch, String list, JsonNode order, String path) {
        if (!order.isArray()) {
            throw PatchException.plain("expected a []interface {}, but received a " + JsonPatches.goKind(order));
        }
        JsonNode live = original.get(list);
        JsonNode patched = patch.get(list);
        for (JsonNode value : new JsonNode[] {live, patched}) {
            if (value != null && !value.isArray()) {
                throw PatchException.plain("expected a []interface {}, but received a " + JsonPatches.goKind(value));
            }
        }
        String mergeKey = field(path).map(PatchStrategies.Field::mergeKey).orElse(null);
        StrategicLists.checkOrder((ArrayNode) patched, (ArrayNode) order, mergeKey);
        // The live order, taken before merging: merging updates elements in place.
        ArrayNode liveOrder = NODES.arrayNode();
        if (live != null) {
            live.forEach(liveOrder::add);
        }
        ArrayNode merged;
        if (live != null && patched != null) {
            merged = mergeList((ArrayNode) live, (ArrayNode) patched, path);
        } else if (live != null) {
            merged = (ArrayNode) live;
        } else if (patched != null) {
            merged = (ArrayNode) fresh(patched, path);
        } else {
            return;
        }
        original.set(list, StrategicLists.order(merged, (ArrayNode) order, liveOrder, mergeKey));
    }

    /** {@code $retainKeys}: drop live keys not listed; every patch key must be listed. */
    private static void retainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode retain = patch.get(RETAIN_KEYS);
        if (retain == null) {
            return;
        }
        if (!retain.isArray()) {
            throw PatchException.badRequest("invalid patch format of retainKeys");
        }
        Set<String> kept = new HashSet<>();
        retain.forEach(k -> kept.add(k.isString() ? k.stringValue() : k.toString()));
        for (Map.Entry<String, JsonNode> entry : patch.properties()) {
            String key = entry.getKey();
            boolean exempt = key.equals(RETAIN_KEYS) || entry.getValue().isNull()
                    || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER);
            if (!exempt && !kept.contains(key)) {
                throw PatchException.badRequest("invalid patch format of retainKeys");
            }
        }
        original.propertyNames().stream().filter(k -> !kept.contains(k)).toList().forEach(original::remove);
    }

    /** The list a {@code <prefix>/<list>} directive key names. */
    private static String listName(String key, String prefix, String error) {
        int slash = key.indexOf('/');
        if (slash < 0 || !key.substring(0, slash).equals(prefix)) {
            throw PatchException.badRequest(error);
        }
        return key.substring(slash + 1);
    }

    private static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
