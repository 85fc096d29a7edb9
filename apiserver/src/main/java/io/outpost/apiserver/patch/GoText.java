package io.outpost.apiserver.patch;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;

/**
 * A JSON value printed as Go's {@code fmt} prints the decoded value ({@code %v}): kube's strategic
 * merge patch errors embed elements that way ({@code map: map[image:nginx] does not contain
 * declared merge key: name}), and clients show the message as it is. Maps print with sorted keys,
 * as Go does. Pure and stateless.
 */
final class GoText {

    private GoText() {
    }

    static String of(JsonNode node) {
        if (node == null || node.isNull()) {
            return "<nil>";
        }
        if (node.isObject()) {
            List<String> keys = new ArrayList<>(node.propertyNames());
            keys.sort(null);
            return keys.stream().map(k -> k + ":" + of(node.get(k))).collect(Collectors.joining(" ", "map[", "]"));
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(of(item)));
            return items.stream().collect(Collectors.joining(" ", "[", "]"));
        }
        if (node.isString()) {
            return node.stringValue();
        }
        return node.toString();
    }
}
