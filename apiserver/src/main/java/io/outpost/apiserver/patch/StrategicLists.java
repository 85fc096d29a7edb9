package io.outpost.apiserver.patch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.JsonNodeType;
import tools.jackson.databind.node.ObjectNode;

/**
 * The list half of {@link StrategicMergePatch}: merging a list that has a merge strategy, the
 * {@code $patch} elements inside it, and the order of the result.
 *
 * <p>Order follows kube (its "preserve order in strategic merge patch" design): elements named
 * by the patch come in the patch's order (or {@code $setElementOrder}'s), live-only elements keep
 * their order, and the two are interleaved by their positions in the live list, a live-only
 * element going first only when it stood before the patch element in the live list.
 *
 * <p>Pure: changes only lists and elements of the caller's copy of the live tree.
 */
final class StrategicLists {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final StrategicMergePatch maps;

    StrategicLists(StrategicMergePatch maps) {
        this.maps = maps;
    }

    /** A merged list: by {@code mergeKey} for objects, as a set for scalars ({@code mergeKey} unused). */
    ArrayNode merge(ArrayNode live, ArrayNode patch, String path, String mergeKey) {
        if (live.isEmpty() && patch.isEmpty()) {
            return live;
        }
        JsonNodeType type = elementType(live, patch);
        List<JsonNode> serverOrder = elements(live);
        List<JsonNode> patchOrder;
        List<JsonNode> merged;
        String key = type == JsonNodeType.OBJECT ? mergeKey : null;
        if (type != JsonNodeType.OBJECT) {
            patchOrder = elements(patch);
            merged = new ArrayList<>(serverOrder);
            for (JsonNode value : patch) {
                if (indexOf(merged, value, null) < 0) {
                    merged.add(value.deepCopy());
                }
            }
        } else {
            if (key == null) {
                throw PatchException.plain("cannot merge lists without merge key for type map");
            }
            merged = new ArrayList<>(serverOrder);
            patchOrder = new ArrayList<>();
            boolean replace = false;
            for (JsonNode element : patch) {
                JsonNode directive = element.get(StrategicMergePatch.DIRECTIVE);
                if (directive == null) {
                    patchOrder.add(element);
                } else if (directive.isString() && directive.stringValue().equals("delete")) {
                    JsonNode value = mergeKeyOf(element, key);
                    merged.removeIf(item -> same(item.get(key), value));
                } else if (directive.isString() && directive.stringValue().equals("replace")) {
                    replace = true;
                } else if (directive.isString() && directive.stringValue().equals("merge")) {
                    throw PatchException.plain("merging lists cannot yet be specified in the patch");
                } else {
                    throw PatchException.plain("unknown patch type: " + GoText.of(directive) + " in map: " + GoText.of(element));
                }
            }
            if (replace) {
                merged = new ArrayList<>();
                for (JsonNode element : patchOrder) {
                    merged.add(maps.fresh(element, path));
                }
                serverOrder = List.copyOf(merged);
                patchOrder = List.of();
            } else {
                serverOrder = List.copyOf(merged);
                for (JsonNode element : patchOrder) {
                    mergeKeyOf(element, key);
                    int at = indexOf(merged, element, key);
                    if (at >= 0) {
                        merged.set(at, maps.mergeMap((ObjectNode) merged.get(at), (ObjectNode) element, path));
                    } else {
                        merged.add(maps.fresh(element, path));
                    }
                }
            }
        }
        return arrange(merged, patchOrder, serverOrder, key);
    }

    /** {@code $setElementOrder}: the merged list in the order given, live-only elements placed by the live order. */
    static ArrayNode order(ArrayNode merged, ArrayNode order, ArrayNode live, String mergeKey) {
        String key = elementsAreObjects(merged) ? mergeKey : null;
        return arrange(elements(merged), elements(order), elements(live), key);
    }

    /** {@code $deleteFromPrimitiveList}: the live list without those values. */
    static ArrayNode without(ArrayNode live, ArrayNode values) {
        List<JsonNode> doomed = elements(values);
        ArrayNode kept = NODES.arrayNode();
        live.forEach(v -> {
            if (indexOf(doomed, v, null) < 0) {
                kept.add(v);
            }
        });
        return kept;
    }

    /**
     * kube's check that a patch list agrees with its {@code $setElementOrder}: the elements it
     * updates appear in the order list, in the same relative order.
     */
    static void checkOrder(ArrayNode patch, ArrayNode order, String mergeKey) {
        if (patch == null || patch.isEmpty() || order.isEmpty()) {
            return;
        }
        List<JsonNode> updates = new ArrayList<>();
        for (JsonNode element : patch) {
            if (!element.isObject() || !element.has(StrategicMergePatch.DIRECTIVE)) {
                updates.add(element);
            }
        }
        int p = 0;
        int o = 0;
        while (p < updates.size() && o < order.size()) {
            JsonNode element = updates.get(p);
            JsonNode ordered = order.get(o);
            boolean match = mergeKey == null
                    ? same(element, ordered)
                    : same(mergeKeyOf(element, mergeKey), mergeKeyOf(ordered, mergeKey));
            if (match) {
                p++;
            }
            o++;
        }
        if (p < updates.size()) {
            throw PatchException.plain("The order in patch list:\n" + GoText.of(patch) + "\n doesn't match "
                    + StrategicMergePatch.SET_ELEMENT_ORDER + " list:\n" + GoText.of(order) + "\n");
        }
    }

    private static ArrayNode arrange(List<JsonNode> merged, List<JsonNode> patchOrder, List<JsonNode> serverOrder, String key) {
        List<JsonNode> patched = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode item : merged) {
            (indexOf(patchOrder, item, key) >= 0 ? patched : serverOnly).add(item);
        }
        patched.sort(byPosition(patchOrder, key));
        serverOnly.sort(byPosition(serverOrder, key));
        ArrayNode result = NODES.arrayNode();
        int i = 0;
        int j = 0;
        while (i < serverOnly.size() || j < patched.size()) {
            if (j >= patched.size()) {
                result.add(serverOnly.get(i++));
            } else if (i >= serverOnly.size()) {
                result.add(patched.get(j++));
            } else {
                int left = indexOf(serverOrder, serverOnly.get(i), key);
                int right = indexOf(serverOrder, patched.get(j), key);
                result.add(left >= 0 && right >= 0 && left < right ? serverOnly.get(i++) : patched.get(j++));
            }
        }
        return result;
    }

    /** Stable order by position in {@code order}; elements not in it go last. */
    private static Comparator<JsonNode> byPosition(List<JsonNode> order, String key) {
        return Comparator.comparingInt(item -> {
            int at = indexOf(order, item, key);
            return at < 0 ? Integer.MAX_VALUE : at;
        });
    }

    /** The position of {@code item} in {@code list}: by merge key value, or by value when {@code key} is null. */
    private static int indexOf(List<JsonNode> list, JsonNode item, String key) {
        JsonNode wanted = key == null ? item : item.get(key);
        for (int i = 0; i < list.size(); i++) {
            JsonNode candidate = key == null ? list.get(i) : list.get(i).get(key);
            if (wanted != null && same(wanted, candidate)) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode mergeKeyOf(JsonNode element, String key) {
        if (!element.isObject()) {
            throw PatchException.plain("expected a map[string]interface {}, but received a " + JsonPatches.goKind(element));
        }
        JsonNode value = element.get(key);
        if (value == null) {
            throw PatchException.plain("map: " + GoText.of(element) + " does not contain declared merge key: " + key);
        }
        return value;
    }

    /**
     * The one element type of the lists: kube refuses lists of lists (422) and lists mixing
     * types. Go decodes every JSON number as float64, so all numbers are one type.
     */
    private static JsonNodeType elementType(ArrayNode... lists) {
        JsonNodeType type = null;
        for (ArrayNode list : lists) {
            for (JsonNode element : list) {
                JsonNodeType t = element.getNodeType();
                if (t == JsonNodeType.ARRAY) {
                    throw PatchException.unprocessable("lists of lists are not supported");
                }
                if (type != null && type != t) {
                    throw PatchException.plain("list element types are not identical: " + GoText.of(lists[0])
                            + (lists.length > 1 ? " " + GoText.of(lists[1]) : ""));
                }
                type = t;
            }
        }
        return type;
    }

    private static boolean elementsAreObjects(ArrayNode list) {
        return !list.isEmpty() && list.get(0).isObject();
    }

    /** JSON equality, with numbers equal by value (Go compares the float64s it decoded). */
    static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static List<JsonNode> elements(ArrayNode list) {
        List<JsonNode> out = new ArrayList<>(list.size());
        list.forEach(out::add);
        return out;
    }
}
