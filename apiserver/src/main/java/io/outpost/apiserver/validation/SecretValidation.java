package io.outpost.apiserver.validation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.node.ObjectNode;

/**
 * Secrets: type Opaque by default; {@code stringData} is merged into {@code data} (base64) and
 * dropped, as kube's conversion does, so it is never stored; valid config keys, at most 1 MiB of
 * data, the keys the well-known types need, and an immutable type.
 */
final class SecretValidation implements KindStrategy {

    /** The data keys each well-known secret type must have (kube's {@code ValidateSecret}). */
    private static final Map<String, List<String>> REQUIRED_KEYS = Map.of(
            "kubernetes.io/tls", List.of("tls.crt", "tls.key"),
            "kubernetes.io/dockerconfigjson", List.of(".dockerconfigjson"),
            "kubernetes.io/dockercfg", List.of(".dockercfg"));

    @Override
    public void applyDefaults(ObjectNode object) {
        Trees.defaultText(object, "type", "Opaque");
        if (object.get("stringData") instanceof ObjectNode strings) {
            ObjectNode data = Trees.object(object, "data");
            for (var e : strings.properties()) {
                data.put(e.getKey(), Base64.getEncoder().encodeToString(e.getValue().asString("").getBytes(StandardCharsets.UTF_8)));
            }
        }
        object.remove("stringData");
    }

    @Override
    public List<FieldError> validate(ObjectNode object) {
        List<FieldError> errs = new ArrayList<>();
        long size = 0;
        for (var e : object.path("data").properties()) {
            ConfigMapValidation.keys("data", e.getKey(), errs);
            size += ConfigMapValidation.decodedLength(e.getValue());
        }
        if (size > ConfigMapValidation.MAX_SIZE) {
            errs.add(FieldError.tooLong("data", ConfigMapValidation.MAX_SIZE));
        }
        for (String key : REQUIRED_KEYS.getOrDefault(Trees.text(object, "type"), List.of())) {
            if (!object.path("data").has(key)) {
                errs.add(FieldError.required("data[" + key + "]", ""));
            }
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(object));
        String type = Trees.text(object, "type");
        if (!type.equals(Trees.text(old, "type"))) {
            errs.add(FieldError.invalid("type", type, "field is immutable"));
        }
        ConfigMapValidation.immutable(object, old, List.of("data"), errs);
        return errs;
    }
}
