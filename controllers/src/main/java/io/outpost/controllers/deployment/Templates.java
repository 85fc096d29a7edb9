package io.outpost.controllers.deployment;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pod templates as the Deployment controller compares and names them: the
 * {@code pod-template-hash} (kube's {@code ComputeHash}: a 32-bit FNV-1a over the template and the
 * collision count, written with kube's safe alphabet) and equality ignoring that label (kube's
 * {@code EqualIgnoreHash}).
 *
 * <p>The hash is over a canonical JSON form (keys sorted, empty maps and lists dropped) rather
 * than kube's Go-specific printing, so its value differs from kube-controller-manager's; it only
 * has to be stable here, and it is, across restarts and field order.
 */
final class Templates {

    static final String HASH_LABEL = "pod-template-hash";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** kube's {@code rand.SafeEncodeString} alphabet: no vowels (no words), no confusable 0/1/3. */
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

    private Templates() {
    }

    static String hash(PodTemplateSpec template, Integer collisionCount) {
        int h = 0x811c9dc5;
        byte[] bytes = canonical(template).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        if (collisionCount != null) {
            // kube writes the count's little-endian bytes into the hasher after the template.
            for (int i = 0; i < 4; i++) {
                h ^= (collisionCount >>> (8 * i)) & 0xff;
                h *= 0x01000193;
            }
        }
        String digits = Long.toString(Integer.toUnsignedLong(h));
        StringBuilder out = new StringBuilder(digits.length());
        for (char c : digits.toCharArray()) {
            out.append(ALPHANUMS.charAt(c % ALPHANUMS.length()));
        }
        return out.toString();
    }

    static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
        return canonical(withoutHash(a)).equals(canonical(withoutHash(b)));
    }

    static PodTemplateSpec withoutHash(PodTemplateSpec t) {
        PodTemplateSpec copy = new PodTemplateSpecBuilder(t).build();
        if (copy.getMetadata() != null && copy.getMetadata().getLabels() != null) {
            Map<String, String> labels = new HashMap<>(copy.getMetadata().getLabels());
            labels.remove(HASH_LABEL);
            copy.getMetadata().setLabels(labels);
        }
        return copy;
    }

    static PodTemplateSpec withHash(PodTemplateSpec t, String hash) {
        PodTemplateSpec copy = new PodTemplateSpecBuilder(t).editOrNewMetadata().endMetadata().build();
        Map<String, String> labels = copy.getMetadata().getLabels() == null ? new HashMap<>() : new HashMap<>(copy.getMetadata().getLabels());
        labels.put(HASH_LABEL, hash);
        copy.getMetadata().setLabels(labels);
        return copy;
    }

    static String canonical(Object value) {
        JsonNode tree = JSON.readTree(SERIALIZATION.asJson(value));
        return JSON.writeValueAsString(sorted(tree));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            List<String> names = new ArrayList<>(node.propertyNames());
            names.sort(null);
            for (String name : names) {
                JsonNode child = sorted(node.get(name));
                if (child.isNull() || (child.isContainer() && child.isEmpty())) {
                    continue;
                }
                out.set(name, child);
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }
}
