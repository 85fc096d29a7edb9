package io.outpost.apiserver.apply;

import java.util.Map;
import java.util.TreeMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * kubectl's {@code kubectl.kubernetes.io/last-applied-configuration} annotation under
 * server-side apply, for the field manager {@code kubectl} only (kube's
 * {@code lastAppliedManager} and {@code lastAppliedUpdater}): fields a client-side apply set and
 * nobody has changed since may be taken over without a conflict, and a server-side apply keeps
 * the annotation equal to what it applied, so a later client-side {@code kubectl apply} computes
 * its patch from the right base. Stateless.
 */
final class LastApplied {

    static final String ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
    /** kube's total annotation size limit ({@code TotalAnnotationSizeLimitB}). */
    private static final int ANNOTATIONS_LIMIT = 256 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private LastApplied() {
    }

    /** When the applied object keeps an annotation, it becomes the applied configuration. */
    static void follow(ObjectNode result, ObjectNode config) {
        if (!result.path("metadata").path("annotations").path(ANNOTATION).asString("").isEmpty()) {
            setLastApplied(result, lastApplied(config));
        }
    }

    /**
     * The fields kubectl's client-side apply may hand over without a conflict: those in the
     * last-applied annotation whose live value still is what was last applied (kube's
     * {@code allowedConflictsFromLastApplied}).
     */
    static FieldSet allowedConflicts(Typed typed, ObjectNode live) {
        String text = live.path("metadata").path("annotations").path(ANNOTATION).asString("");
        if (text.isEmpty()) {
            return new FieldSet();
        }
        try {
            if (!(JSON.readTree(text) instanceof ObjectNode lastApplied)) {
                return new FieldSet();
            }
            return typed.fieldSet(lastApplied, false).minus(typed.compare(lastApplied, live).modified());
        } catch (JacksonException | ApplyError e) {
            return new FieldSet();
        }
    }

    /** The applied configuration without the annotation, as Go's JSON encoder writes a map: keys sorted, a newline after. */
    private static String lastApplied(ObjectNode config) {
        ObjectNode copy = config.deepCopy();
        if (copy.path("metadata").get("annotations") instanceof ObjectNode annotations) {
            annotations.remove(ANNOTATION);
        }
        return JSON.writeValueAsString(sorted(copy)) + "\n";
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            TreeMap<String, JsonNode> fields = new TreeMap<>();
            object.properties().forEach(e -> fields.put(e.getKey(), sorted(e.getValue())));
            ObjectNode out = JSON.createObjectNode();
            fields.forEach(out::set);
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = JSON.createArrayNode();
            array.forEach(item -> out.add(sorted(item)));
            return out;
        }
        return node;
    }

    /** kube's {@code setLastApplied}: dropped instead when the annotations would pass their size limit. */
    private static void setLastApplied(ObjectNode object, String value) {
        ObjectNode annotations = ((ObjectNode) object.get("metadata")).withObjectProperty("annotations");
        annotations.put(ANNOTATION, value);
        long size = 0;
        for (Map.Entry<String, JsonNode> e : annotations.properties()) {
            size += e.getKey().length() + e.getValue().asString("").length();
        }
        if (size > ANNOTATIONS_LIMIT) {
            annotations.remove(ANNOTATION);
        }
    }
}
