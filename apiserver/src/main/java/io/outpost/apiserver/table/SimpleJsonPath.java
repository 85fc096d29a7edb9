package io.outpost.apiserver.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * The JSON paths a CRD's {@code additionalPrinterColumns} use, as kube's client-go jsonpath reads
 * them inside {@code {...}}: fields ({@code .spec.replicas}), quoted fields
 * ({@code .metadata.labels['app.kubernetes.io/name']}), indexes ({@code [0]}, {@code [-1]}) and
 * the wildcard {@code [*]}. Filters and recursive descent are refused by {@link #parse}, which the
 * CRD's validation reports.
 *
 * <p>Immutable; share freely.
 */
public final class SimpleJsonPath {

    /** One step: a field name, an index, or all elements ({@code index == null && field == null}). */
    private record Step(String field, Integer index) {
    }

    private final List<Step> steps;

    private SimpleJsonPath(List<Step> steps) {
        this.steps = steps;
    }

    /** The path, or empty with the reason it cannot be read. */
    public static Optional<SimpleJsonPath> parse(String path, StringBuilder why) {
        String p = path.trim();
        if (p.startsWith("{") && p.endsWith("}")) {
            p = p.substring(1, p.length() - 1);
        }
        if (!p.startsWith(".") && !p.startsWith("[")) {
            why.append("must be a simple json path starting with .");
            return Optional.empty();
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '.') {
                int j = i + 1;
                while (j < p.length() && p.charAt(j) != '.' && p.charAt(j) != '[') {
                    j++;
                }
                String name = p.substring(i + 1, j);
                if (name.isEmpty()) {
                    why.append(j < p.length() && p.charAt(j) == '.' ? "recursive descent (..) is not supported" : "a field name is missing");
                    return Optional.empty();
                }
                steps.add(new Step(name, null));
                i = j;
            } else if (c == '[') {
                int close = p.indexOf(']', i);
                if (close < 0) {
                    why.append("unclosed [");
                    return Optional.empty();
                }
                String inner = p.substring(i + 1, close).trim();
                if (inner.equals("*")) {
                    steps.add(new Step(null, null));
                } else if (inner.length() >= 2 && (inner.startsWith("'") && inner.endsWith("'") || inner.startsWith("\"") && inner.endsWith("\""))) {
                    steps.add(new Step(inner.substring(1, inner.length() - 1), null));
                } else {
                    try {
                        steps.add(new Step(null, Integer.parseInt(inner)));
                    } catch (NumberFormatException e) {
                        why.append("unsupported expression [").append(inner).append("]: only fields, indexes and [*] are");
                        return Optional.empty();
                    }
                }
                i = close + 1;
            } else {
                why.append("unexpected character '").append(c).append("' at ").append(i);
                return Optional.empty();
            }
        }
        return Optional.of(new SimpleJsonPath(List.copyOf(steps)));
    }

    /** Every value the path reaches in {@code root}, in document order; empty if none. */
    public List<JsonNode> find(JsonNode root) {
        List<JsonNode> current = List.of(root);
        for (Step step : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                if (step.field() != null) {
                    JsonNode child = node.isObject() ? node.get(step.field()) : null;
                    if (child != null) {
                        next.add(child);
                    }
                } else if (step.index() != null) {
                    if (node.isArray()) {
                        int at = step.index() < 0 ? node.size() + step.index() : step.index();
                        if (at >= 0 && at < node.size()) {
                            next.add(node.get(at));
                        }
                    }
                } else if (node.isArray() || node.isObject()) {
                    node.values().forEach(next::add);
                }
            }
            current = next;
        }
        return current;
    }
}
