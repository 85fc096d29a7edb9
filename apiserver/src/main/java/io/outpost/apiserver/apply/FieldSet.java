package io.outpost.apiserver.apply;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A set of field paths (structured-merge-diff's {@code fieldpath.Set}): what one manager owns. A
 * path is a list of elements in their fieldsV1 spelling: {@code f:<field>}, {@code k:<key object>}
 * (an element of a map list), {@code v:<value>} (an element of a set), {@code i:<index>}.
 *
 * <p>Stored as a tree; a node is a member when its own path is in the set, which fieldsV1 writes
 * as {@code ".": {}} when the node also has members below it and as {@code {}} when it is a leaf.
 *
 * <p>Mutable and not thread-safe: built and read within one request.
 */
public final class FieldSet {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** fieldsV1 order: fields, then keys, values and indexes (structured-merge-diff's PathElement order). */
    private static final Comparator<String> ORDER = Comparator.<String>comparingInt(e -> "fkvi".indexOf(e.charAt(0)))
            .thenComparing((a, b) -> a.startsWith("i:") && b.startsWith("i:")
                    ? Integer.compare(Integer.parseInt(a.substring(2)), Integer.parseInt(b.substring(2))) : a.compareTo(b));

    private boolean member;
    private final TreeMap<String, FieldSet> children = new TreeMap<>(ORDER);

    public FieldSet() {
    }

    public FieldSet insert(List<String> path) {
        FieldSet node = this;
        for (String element : path) {
            node = node.children.computeIfAbsent(element, e -> new FieldSet());
        }
        node.member = true;
        return this;
    }

    public boolean has(List<String> path) {
        FieldSet node = find(path);
        return node != null && node.member;
    }

    /** Whether the path is a member, or has a member below it. */
    public boolean covers(List<String> path) {
        FieldSet node = find(path);
        return node != null && !node.isEmpty();
    }

    private FieldSet find(List<String> path) {
        FieldSet node = this;
        for (String element : path) {
            node = node.children.get(element);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    public boolean isEmpty() {
        if (member) {
            return false;
        }
        for (FieldSet child : children.values()) {
            if (!child.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Every member path, parents before children. */
    public List<List<String>> paths() {
        List<List<String>> out = new ArrayList<>();
        collect(new ArrayList<>(), out);
        return out;
    }

    private void collect(List<String> prefix, List<List<String>> out) {
        if (member) {
            out.add(List.copyOf(prefix));
        }
        for (Map.Entry<String, FieldSet> e : children.entrySet()) {
            prefix.add(e.getKey());
            e.getValue().collect(prefix, out);
            prefix.removeLast();
        }
    }

    public FieldSet copy() {
        return new FieldSet().union(this);
    }

    /** Adds every member of {@code other}; returns this set. */
    public FieldSet union(FieldSet other) {
        member |= other.member;
        other.children.forEach((element, child) -> children.computeIfAbsent(element, e -> new FieldSet()).union(child));
        return this;
    }

    /** A new set: the members of this one that {@code other} does not have. */
    public FieldSet minus(FieldSet other) {
        FieldSet out = copy();
        for (List<String> path : other.paths()) {
            out.remove(path);
        }
        return out;
    }

    /** A new set: the members both have. */
    public FieldSet intersect(FieldSet other) {
        FieldSet out = new FieldSet();
        for (List<String> path : paths()) {
            if (other.has(path)) {
                out.insert(path);
            }
        }
        return out;
    }

    /** Removes one member (not what is below it). */
    public void remove(List<String> path) {
        FieldSet node = find(path);
        if (node != null) {
            node.member = false;
        }
    }

    /** Removes a path and everything below it (structured-merge-diff's recursive difference). */
    public void removeTree(List<String> path) {
        if (path.isEmpty()) {
            member = false;
            children.clear();
            return;
        }
        FieldSet parent = find(path.subList(0, path.size() - 1));
        if (parent != null) {
            parent.children.remove(path.getLast());
        }
    }

    /** Keeps only the tree under {@code element} (and the element itself). */
    public FieldSet onlyUnder(String element) {
        FieldSet out = new FieldSet();
        FieldSet child = children.get(element);
        if (child != null) {
            out.children.put(element, child.copy());
        }
        return out;
    }

    /** The fieldsV1 form: {@code {"f:metadata":{"f:labels":{".":{},"f:app":{}}}}}. */
    public ObjectNode toFieldsV1() {
        ObjectNode out = JSON.createObjectNode();
        children.forEach((element, child) -> {
            if (!child.isEmpty()) {
                out.set(element, child.toFieldsV1());
            }
        });
        if (member && !out.isEmpty()) {
            ObjectNode withSelf = JSON.createObjectNode();
            withSelf.putObject(".");
            withSelf.setAll(out);
            return withSelf;
        }
        return out;
    }

    /**
     * Reads fieldsV1.
     *
     * @throws IllegalArgumentException if it is not fieldsV1 (kube then ignores the entries)
     */
    public static FieldSet fromFieldsV1(JsonNode node) {
        FieldSet set = new FieldSet();
        read(node, set, true);
        return set;
    }

    private static void read(JsonNode node, FieldSet into, boolean root) {
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("fieldsV1 must be an object, not " + node.getNodeType());
        }
        if (!root && object.isEmpty()) {
            into.member = true;
            return;
        }
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String element = e.getKey();
            if (element.equals(".")) {
                into.member = true;
                continue;
            }
            checkElement(element);
            FieldSet child = into.children.computeIfAbsent(element, k -> new FieldSet());
            read(e.getValue(), child, false);
        }
    }

    private static void checkElement(String element) {
        if (element.length() < 2 || element.charAt(1) != ':' || "fkvi".indexOf(element.charAt(0)) < 0) {
            throw new IllegalArgumentException("unexpected path element " + element + " in fieldsV1");
        }
        try {
            switch (element.charAt(0)) {
                case 'k' -> {
                    if (!(JSON.readTree(element.substring(2)) instanceof ObjectNode)) {
                        throw new IllegalArgumentException("a key element must be a JSON object: " + element);
                    }
                }
                case 'v' -> JSON.readTree(element.substring(2));
                case 'i' -> Integer.parseInt(element.substring(2));
                default -> { }
            }
        } catch (JacksonException | NumberFormatException e) {
            throw new IllegalArgumentException("unreadable path element " + element + " in fieldsV1", e);
        }
    }

    /**
     * A path as kube prints it in conflicts: {@code .spec.template.spec.containers[name="app"].image},
     * {@code .metadata.finalizers[="a"]}, {@code .items[2]}.
     */
    public static String display(List<String> path) {
        StringBuilder out = new StringBuilder();
        for (String element : path) {
            String rest = element.substring(2);
            switch (element.charAt(0)) {
                case 'f' -> out.append('.').append(rest);
                case 'k' -> {
                    List<String> parts = new ArrayList<>();
                    for (Map.Entry<String, JsonNode> e : JSON.readTree(rest).properties()) {
                        parts.add(e.getKey() + "=" + e.getValue());
                    }
                    out.append('[').append(String.join(",", parts)).append(']');
                }
                case 'v' -> out.append("[=").append(rest).append(']');
                default -> out.append('[').append(rest).append(']');
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return toFieldsV1().toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet other && paths().equals(other.paths());
    }

    @Override
    public int hashCode() {
        return paths().hashCode();
    }
}
