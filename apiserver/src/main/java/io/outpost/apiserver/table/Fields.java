package io.outpost.apiserver.table;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;

/**
 * Reading the fields printers need from a JSON object, with Go's zero values for what is absent
 * (kubernetes prints from typed structs, where a missing string is "" and a missing int is 0),
 * and the label and selector formats kubectl shows.
 *
 * <p>Thread model: pure functions.
 */
final class Fields {

    private Fields() {
    }

    /** The node at a path of property names; a missing node if any step is absent. */
    static JsonNode at(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            n = n.path(p);
        }
        return n;
    }

    static String text(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n.isString() ? n.stringValue() : "";
    }

    static long integer(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n.isIntegralNumber() ? n.longValue() : 0;
    }

    static boolean bool(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n.isBoolean() && n.booleanValue();
    }

    static boolean present(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return !n.isMissingNode() && !n.isNull();
    }

    /** The elements of an array field; empty if absent or not an array. */
    static List<JsonNode> items(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n.isArray() ? List.copyOf(n.values()) : List.of();
    }

    static int size(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n.isArray() || n.isObject() ? n.size() : 0;
    }

    /** An RFC 3339 timestamp field; empty if absent or unreadable (Go's zero time). */
    static Optional<Instant> time(JsonNode node, String... path) {
        String value = text(node, path);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** kube's {@code translateTimestampSince}: "&lt;unknown&gt;" for a zero time. */
    static String since(Optional<Instant> time, Instant now) {
        return time.map(t -> HumanDuration.format(Duration.between(t, now))).orElse("<unknown>");
    }

    static String age(JsonNode object, Instant now) {
        return since(time(object, "metadata", "creationTimestamp"), now);
    }

    static String name(JsonNode object) {
        return text(object, "metadata", "name");
    }

    /** {@code labels.FormatLabels}: "k=v,k2=v2" in key order, "&lt;none&gt;" when empty. */
    static String formatLabels(JsonNode labels) {
        Map<String, String> sorted = new TreeMap<>();
        if (labels.isObject()) {
            labels.forEachEntry((k, v) -> sorted.put(k, v.isString() ? v.stringValue() : v.toString()));
        }
        if (sorted.isEmpty()) {
            return "<none>";
        }
        StringJoiner out = new StringJoiner(",");
        sorted.forEach((k, v) -> out.add(k + "=" + v));
        return out.toString();
    }

    /**
     * A {@code LabelSelector} as its selector string ({@code LabelSelectorAsSelector(s).String()}):
     * one requirement per key, in key order: {@code k=v}, {@code k in (a,b)},
     * {@code k notin (a,b)}, {@code k} (Exists), {@code !k} (DoesNotExist). Empty for an empty or
     * absent selector; "&lt;error&gt;" for an operator kube would reject.
     */
    static String selector(JsonNode selector) {
        TreeMap<String, List<String>> byKey = new TreeMap<>();
        JsonNode matchLabels = selector.path("matchLabels");
        if (matchLabels.isObject()) {
            matchLabels.forEachEntry((k, v) -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(k + "=" + v.asString()));
        }
        for (JsonNode e : items(selector, "matchExpressions")) {
            String key = text(e, "key");
            TreeSet<String> values = new TreeSet<>();
            items(e, "values").forEach(v -> values.add(v.asString()));
            String requirement = switch (text(e, "operator")) {
                case "In" -> key + " in (" + String.join(",", values) + ")";
                case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
                case "Exists" -> key;
                case "DoesNotExist" -> "!" + key;
                default -> null;
            };
            if (requirement == null) {
                return "<error>";
            }
            byKey.computeIfAbsent(key, x -> new ArrayList<>()).add(requirement);
        }
        StringJoiner out = new StringJoiner(",");
        byKey.values().forEach(list -> list.forEach(out::add));
        return out.toString();
    }

    /** {@code metav1.FormatLabelSelector}: the selector string, or "&lt;none&gt;" when empty. */
    static String formatSelector(JsonNode selector) {
        String s = selector(selector);
        return s.isEmpty() ? "<none>" : s;
    }

    /** kube's {@code layoutContainerCells}: comma-joined container names and images. */
    static List<String> containerCells(JsonNode podSpec) {
        StringJoiner names = new StringJoiner(",");
        StringJoiner images = new StringJoiner(",");
        for (JsonNode c : items(podSpec, "containers")) {
            names.add(text(c, "name"));
            images.add(text(c, "image"));
        }
        return List.of(names.toString(), images.toString());
    }
}
