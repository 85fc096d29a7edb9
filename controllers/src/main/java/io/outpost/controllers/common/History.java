package io.outpost.controllers.common;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ControllerRevisions a DaemonSet or StatefulSet keeps of its pod template (kube's
 * {@code pkg/controller/history} and the controllers' {@code getPatch}): each revision's
 * {@code data} is the strategic merge patch {@code {"spec":{"template":{..., "$patch":"replace"}}}}
 * that {@code kubectl rollout undo} sends back to the owner, so a revision is the template itself
 * and two revisions are equal when their data are.
 *
 * <p>Data are compared in a canonical JSON form (keys sorted, nulls and empty maps and lists
 * dropped), so a template read back from the API, with its fields in another order or its empty
 * lists gone, still matches the revision made from it. For the same reason the hash (kube's
 * {@code HashControllerRevision}: FNV-1a over the data, then the collision count, in kube's safe
 * alphabet) is over that form; its value differs from kube-controller-manager's, it only has to be
 * stable here.
 *
 * <p>Thread model: stateless; called from controller workers.
 */
public final class History {

    /** The label on revisions and pods naming the revision (kube's {@code ControllerRevisionHashLabelKey}). */
    public static final String HASH_LABEL = "controller-revision-hash";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** kube's {@code rand.SafeEncodeString} alphabet: no vowels (no words), no confusable 0/1/3. */
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

    private History() {
    }

    /** The revision data of a template: {@code {"spec":{"template":{...,"$patch":"replace"}}}}. */
    public static Map<String, Object> patchOf(PodTemplateSpec template) {
        ObjectNode t = (ObjectNode) canonicalTree(template);
        t.put("$patch", "replace");
        ObjectNode data = JSON.createObjectNode();
        data.putObject("spec").set("template", t);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.convertValue(data, Map.class);
        return map;
    }

    /** The template a revision holds (kube's {@code ApplyRevision} of a template-only patch). */
    public static PodTemplateSpec templateOf(ControllerRevision revision) {
        JsonNode data = JSON.valueToTree(revision.getData());
        ObjectNode template = data.path("spec").path("template") instanceof ObjectNode o ? o.deepCopy() : JSON.createObjectNode();
        template.remove("$patch");
        return SERIALIZATION.unmarshal(JSON.writeValueAsString(template), PodTemplateSpec.class);
    }

    /** Whether two revisions hold the same data (kube's {@code history.EqualRevision}). */
    public static boolean equalData(Object a, Object b) {
        return canonical(a).equals(canonical(b));
    }

    /** kube's {@code HashControllerRevision}: over the data, then the collision count if any. */
    public static String hash(Object data, Integer collisionCount) {
        int h = 0x811c9dc5;
        byte[] bytes = canonical(data).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            h = (h ^ (b & 0xff)) * 0x01000193;
        }
        if (collisionCount != null) {
            for (byte b : Integer.toString(collisionCount).getBytes(StandardCharsets.UTF_8)) {
                h = (h ^ (b & 0xff)) * 0x01000193;
            }
        }
        String digits = Long.toString(Integer.toUnsignedLong(h));
        StringBuilder out = new StringBuilder(digits.length());
        for (char c : digits.toCharArray()) {
            out.append(ALPHANUMS.charAt(c % ALPHANUMS.length()));
        }
        return out.toString();
    }

    /** kube's {@code ControllerRevisionName}: the prefix cut to 223 characters, a dash, the hash. */
    public static String name(String prefix, String hash) {
        String p = prefix.length() > 223 ? prefix.substring(0, 223) : prefix;
        return p + "-" + hash;
    }

    /** Sorted by revision number, then creation time, then name (kube's {@code SortControllerRevisions}). */
    public static List<ControllerRevision> sorted(List<ControllerRevision> revisions) {
        List<ControllerRevision> out = new ArrayList<>(revisions);
        out.sort(Comparator.comparingLong(History::number)
                .thenComparing(r -> Objects.toString(r.getMetadata().getCreationTimestamp(), ""))
                .thenComparing(r -> r.getMetadata().getName()));
        return out;
    }

    public static long number(ControllerRevision r) {
        return r.getRevision() == null ? 0 : r.getRevision();
    }

    /** The highest revision number among {@code revisions}, 0 if none (kube's {@code maxRevision}). */
    public static long max(List<ControllerRevision> revisions) {
        return revisions.stream().mapToLong(History::number).max().orElse(0);
    }

    /**
     * A new revision of {@code owner} (not yet stored): the template's labels, the hash label
     * (its value given by the caller: the hash for a DaemonSet, the name for a StatefulSet), the
     * owner's annotations and a controller reference (kube's {@code NewControllerRevision}).
     */
    public static ControllerRevision newRevision(HasMetadata owner, PodTemplateSpec template, String name, String hashLabel,
                                                 long number) {
        Map<String, String> labels = template.getMetadata() == null || template.getMetadata().getLabels() == null
                ? new HashMap<>() : new HashMap<>(template.getMetadata().getLabels());
        labels.put(HASH_LABEL, hashLabel);
        Map<String, String> annotations = owner.getMetadata().getAnnotations() == null ? null
                : new HashMap<>(owner.getMetadata().getAnnotations());
        if (annotations != null) {
            annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
        return new ControllerRevisionBuilder().withNewMetadata().withName(name)
                .withNamespace(owner.getMetadata().getNamespace()).withLabels(labels).withAnnotations(annotations)
                .withOwnerReferences(ControllerRefs.controllerRef(owner)).endMetadata()
                .withData(patchOf(template)).withRevision(number).build();
    }

    /** Stores a new revision number on an existing one (a rollback makes an old revision current again). */
    public static ControllerRevision renumber(KubernetesClient client, ControllerRevision revision, long number) {
        if (number(revision) == number) {
            return revision;
        }
        ControllerRevision next = new ControllerRevisionBuilder(revision).withRevision(number).build();
        return client.apps().controllerRevisions().inNamespace(revision.getMetadata().getNamespace()).resource(next).update();
    }

    /** Deletes a revision; one already gone is fine. */
    public static void delete(KubernetesClient client, ControllerRevision revision) {
        try {
            client.apps().controllerRevisions().inNamespace(revision.getMetadata().getNamespace())
                    .withName(revision.getMetadata().getName()).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    static String canonical(Object value) {
        return JSON.writeValueAsString(canonicalTree(value));
    }

    private static JsonNode canonicalTree(Object value) {
        JsonNode tree = value instanceof JsonNode n ? n : value instanceof Map<?, ?> m ? JSON.valueToTree(m)
                : JSON.readTree(SERIALIZATION.asJson(value));
        return sortedTree(tree);
    }

    private static JsonNode sortedTree(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            List<String> names = new ArrayList<>(node.propertyNames());
            names.sort(null);
            for (String name : names) {
                JsonNode child = sortedTree(node.get(name));
                if (child.isNull() || (child.isContainer() && child.isEmpty())) {
                    continue;
                }
                out.set(name, child);
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(e -> out.add(sortedTree(e)));
            return out;
        }
        return node;
    }
}
