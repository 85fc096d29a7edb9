package io.outpost.apiserver.apply;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An object tree read through an {@link ApplySchema} (structured-merge-diff's typed values): its
 * field set, the comparison of two versions, the merge of an applied configuration into a live
 * object, and the removal of paths. Stateless.
 */
final class Typed {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** One child of an object (a field) or of a set or map list (an element), with its schema path. */
    record Child(String element, JsonNode value, String schemaPath) {
    }

    /** Leaves and nodes added, modified (leaves only) and removed between two versions. */
    record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
    }

    private final ApplySchema schema;

    Typed(ApplySchema schema) {
        this.schema = schema;
    }

    // ---- structure

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** Whether the node is owned whole: a scalar, null, an atomic list or object. Empty ones are decided by callers. */
    private boolean atomic(JsonNode node, String schemaPath) {
        if (node instanceof ObjectNode) {
            return schema.atomicObject(schemaPath);
        }
        if (node instanceof ArrayNode) {
            return schema.list(schemaPath).kind() == ListType.Kind.ATOMIC;
        }
        return true;
    }

    /**
     * The children of an object or associative list, by element, in order.
     *
     * @param unique whether a repeated element is an error (an applied configuration) or the
     *               first one wins (a live object, structured-merge-diff's AllowDuplicates)
     */
    private Map<String, Child> children(JsonNode node, String schemaPath, List<String> at, boolean unique) {
        Map<String, Child> out = new LinkedHashMap<>();
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                out.put("f:" + e.getKey(), new Child("f:" + e.getKey(), e.getValue(), join(schemaPath, e.getKey())));
            }
            return out;
        }
        ListType type = schema.list(schemaPath);
        int index = 0;
        for (JsonNode item : node) {
            String element;
            try {
                element = element(type, item, at);
            } catch (ApplyError e) {
                if (unique) {
                    throw e;
                }
                element = "i:" + index; // a live element kube's schema would refuse: addressed by position
            }
            index++;
            if (out.containsKey(element)) {
                if (unique) {
                    throw new ApplyError(FieldSet.display(at) + ": duplicate entries for " + (type.kind() == ListType.Kind.MAP ? "key " : "value ")
                            + FieldSet.display(List.of(element)));
                }
                continue;
            }
            out.put(element, new Child(element, item, schemaPath));
        }
        return out;
    }

    /** The path element of a list item: {@code k:{"name":"app"}} in a map list, {@code v:"x"} in a set. */
    static String element(ListType type, JsonNode item, List<String> at) {
        if (type.kind() == ListType.Kind.SET) {
            return "v:" + canonical(item);
        }
        if (!(item instanceof ObjectNode object)) {
            throw new ApplyError(FieldSet.display(at) + ": an element of a list keyed by " + type.keys() + " must be an object, not " + item.getNodeType());
        }
        TreeMap<String, JsonNode> key = new TreeMap<>();
        for (String field : type.keys()) {
            JsonNode value = object.get(field);
            if (value == null || value.isNull()) {
                value = type.keyDefaults().get(field);
            }
            if (value == null) {
                throw new ApplyError(FieldSet.display(at) + ": associative list with keys has an element that omits key field \""
                        + field + "\" (and doesn't have default value)");
            }
            key.put(field, value);
        }
        ObjectNode keyObject = JSON.createObjectNode();
        key.forEach(keyObject::set);
        return "k:" + canonical(keyObject);
    }

    /** JSON with integral numbers written as integers, so 80 and 80.0 are one key. */
    static String canonical(JsonNode node) {
        if (node.isNumber() && !node.isIntegralNumber()) {
            BigDecimal d = node.decimalValue();
            if (d.stripTrailingZeros().scale() <= 0) {
                return d.toBigInteger().toString();
            }
        }
        if (node instanceof ObjectNode object) {
            StringBuilder out = new StringBuilder("{");
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                if (out.length() > 1) {
                    out.append(',');
                }
                out.append(JSON.writeValueAsString(e.getKey())).append(':').append(canonical(e.getValue()));
            }
            return out.append('}').toString();
        }
        if (node instanceof ArrayNode array) {
            List<String> items = new ArrayList<>();
            array.forEach(item -> items.add(canonical(item)));
            return "[" + String.join(",", items) + "]";
        }
        return JSON.writeValueAsString(node);
    }

    static boolean same(JsonNode a, JsonNode b) {
        return canonical(a).equals(canonical(b));
    }

    // ---- field sets

    /** Every path a configuration sets, as structured-merge-diff's {@code ToFieldSet}. */
    FieldSet fieldSet(ObjectNode root, boolean unique) {
        FieldSet set = new FieldSet();
        addFields(root, "", new ArrayList<>(), set, unique);
        return set;
    }

    private void addFields(JsonNode node, String schemaPath, List<String> path, FieldSet set, boolean unique) {
        for (Child child : children(node, schemaPath, path, unique).values()) {
            path.add(child.element());
            JsonNode value = child.value();
            boolean item = !child.element().startsWith("f:");
            if (value.isNull() || atomic(value, child.schemaPath()) || value instanceof ObjectNode o && o.isEmpty()) {
                set.insert(path);
            } else if (!value.isEmpty()) {
                addFields(value, child.schemaPath(), path, set, unique);
                if (item) {
                    set.insert(path);
                }
            }
            path.removeLast();
        }
    }

    /** What changed from {@code lhs} to {@code rhs} (structured-merge-diff's {@code Compare}). */
    Comparison compare(ObjectNode lhs, ObjectNode rhs) {
        Comparison c = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        compare(lhs, rhs, "", new ArrayList<>(), c);
        return c;
    }

    private void compare(JsonNode lhs, JsonNode rhs, String schemaPath, List<String> path, Comparison c) {
        boolean leaf = atomic(lhs, schemaPath) || atomic(rhs, schemaPath) || lhs.getNodeType() != rhs.getNodeType()
                || lhs.isEmpty() && rhs.isEmpty();
        if (leaf) {
            if (!same(lhs, rhs)) {
                c.modified().insert(path);
            }
            return;
        }
        Map<String, Child> left = children(lhs, schemaPath, path, false);
        Map<String, Child> right = children(rhs, schemaPath, path, false);
        for (Child r : right.values()) {
            path.add(r.element());
            Child l = left.get(r.element());
            if (l == null) {
                subtree(r.value(), r.schemaPath(), path, c.added());
            } else {
                compare(l.value(), r.value(), r.schemaPath(), path, c);
            }
            path.removeLast();
        }
        for (Child l : left.values()) {
            if (!right.containsKey(l.element())) {
                path.add(l.element());
                subtree(l.value(), l.schemaPath(), path, c.removed());
                path.removeLast();
            }
        }
    }

    /** A node that appeared or disappeared: it and everything below it. */
    private void subtree(JsonNode node, String schemaPath, List<String> path, FieldSet into) {
        into.insert(path);
        if (!node.isNull() && !atomic(node, schemaPath) && !node.isEmpty()) {
            addFields(node, schemaPath, path, into, false);
        }
    }

    // ---- merge

    /** The live object with the configuration applied: configured values win, lists merge by their type. */
    ObjectNode merge(ObjectNode live, ObjectNode config) {
        return (ObjectNode) merge(live, config, "", new ArrayList<>());
    }

    private JsonNode merge(JsonNode lhs, JsonNode rhs, String schemaPath, List<String> path) {
        if (lhs instanceof ObjectNode l && rhs instanceof ObjectNode r && !schema.atomicObject(schemaPath)) {
            ObjectNode out = l.deepCopy();
            for (Map.Entry<String, JsonNode> e : r.properties()) {
                JsonNode before = l.get(e.getKey());
                path.add("f:" + e.getKey());
                out.set(e.getKey(), before == null ? e.getValue().deepCopy() : merge(before, e.getValue(), join(schemaPath, e.getKey()), path));
                path.removeLast();
            }
            return out;
        }
        if (lhs instanceof ArrayNode l && rhs instanceof ArrayNode r && schema.list(schemaPath).kind() != ListType.Kind.ATOMIC) {
            return mergeList(l, r, schemaPath, path);
        }
        return rhs.deepCopy();
    }

    /**
     * Elements of both, merged: the configured elements in the configuration's order, live-only
     * elements kept where they were relative to them.
     */
    private ArrayNode mergeList(ArrayNode lhs, ArrayNode rhs, String schemaPath, List<String> path) {
        Map<String, Child> right = children(rhs, schemaPath, path, true);
        Map<String, Child> left = children(lhs, schemaPath, path, false);
        List<String> lefts = new ArrayList<>(left.keySet());
        List<String> rights = new ArrayList<>(right.keySet());
        ArrayNode out = JSON.createArrayNode();
        Set<String> done = new HashSet<>();
        int li = 0;
        int ri = 0;
        while (li < lefts.size() || ri < rights.size()) {
            if (li < lefts.size() && done.contains(lefts.get(li))) {
                li++;
            } else if (li < lefts.size() && ri < rights.size() && lefts.get(li).equals(rights.get(ri))) {
                out.add(mergeItem(left.get(lefts.get(li)), right.get(rights.get(ri)), path));
                done.add(rights.get(ri));
                li++;
                ri++;
            } else if (li < lefts.size() && !right.containsKey(lefts.get(li))) {
                out.add(left.get(lefts.get(li)).value().deepCopy());
                li++;
            } else if (ri < rights.size()) {
                out.add(mergeItem(left.get(rights.get(ri)), right.get(rights.get(ri)), path));
                done.add(rights.get(ri));
                ri++;
            } else {
                li++;
            }
        }
        return out;
    }

    private JsonNode mergeItem(Child live, Child applied, List<String> path) {
        if (live == null) {
            return applied.value().deepCopy();
        }
        path.add(applied.element());
        JsonNode merged = merge(live.value(), applied.value(), applied.schemaPath(), path);
        path.removeLast();
        return merged;
    }

    // ---- removal

    /**
     * Removes the node at {@code path} and everything below it, then any object or list that
     * removal left empty, up to the first ancestor {@code keep} says stays (one someone owns).
     * A path that is not in the tree is ignored.
     */
    void remove(ObjectNode root, List<String> path, java.util.function.Predicate<List<String>> keep) {
        List<JsonNode> parents = new ArrayList<>();
        List<String> schemaPaths = new ArrayList<>();
        JsonNode node = root;
        String schemaPath = "";
        for (String element : path) {
            if (!(node instanceof ObjectNode || node instanceof ArrayNode)) {
                return;
            }
            parents.add(node);
            schemaPaths.add(schemaPath);
            Child child = children(node, schemaPath, path, false).get(element);
            if (child == null) {
                return;
            }
            node = child.value();
            schemaPath = child.schemaPath();
        }
        for (int depth = path.size() - 1; depth >= 0; depth--) {
            removeChild(parents.get(depth), schemaPaths.get(depth), path.subList(0, depth), path.get(depth));
            JsonNode parent = parents.get(depth);
            if (depth == 0 || !parent.isEmpty() || keep.test(path.subList(0, depth))) {
                return;
            }
        }
    }

    private void removeChild(JsonNode parent, String schemaPath, List<String> at, String element) {
        if (parent instanceof ObjectNode object) {
            object.remove(element.substring(2));
        } else if (parent instanceof ArrayNode array) {
            ListType type = schema.list(schemaPath);
            for (int i = 0; i < array.size(); i++) {
                String candidate;
                try {
                    candidate = element(type, array.get(i), at);
                } catch (ApplyError e) {
                    candidate = "i:" + i;
                }
                if (candidate.equals(element)) {
                    array.remove(i);
                    return;
                }
            }
        }
    }

    /** Drops null fields: a configured null means "unset", and Go's encoding omits it. */
    static void dropNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().removeIf(e -> e.getValue().isNull());
            object.forEach(Typed::dropNulls);
        } else if (node instanceof ArrayNode array) {
            array.forEach(Typed::dropNulls);
        }
    }
}
