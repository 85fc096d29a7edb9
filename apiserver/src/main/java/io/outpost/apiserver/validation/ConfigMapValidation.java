package io.outpost.apiserver.validation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * ConfigMaps: kube's {@code ValidateConfigMap}: valid config keys in data and binaryData, no key
 * in both, at most 1 MiB in all; an {@code immutable} one keeps its data and stays immutable.
 */
final class ConfigMapValidation implements KindStrategy {

    /** kube's {@code MaxSecretSize}, which also bounds ConfigMaps. */
    static final long MAX_SIZE = 1024 * 1024;

    @Override
    public List<FieldError> validate(ObjectNode object) {
        List<FieldError> errs = new ArrayList<>();
        long size = 0;
        for (var e : object.path("data").properties()) {
            keys("data", e.getKey(), errs);
            size += e.getKey().length() + e.getValue().asString("").getBytes(StandardCharsets.UTF_8).length;
        }
        for (var e : object.path("binaryData").properties()) {
            keys("binaryData", e.getKey(), errs);
            if (object.path("data").has(e.getKey())) {
                errs.add(FieldError.invalid("data[" + e.getKey() + "]", e.getKey(), "duplicate of key present in binaryData"));
            }
            size += e.getKey().length() + decodedLength(e.getValue());
        }
        if (size > MAX_SIZE) {
            errs.add(FieldError.tooLong("", MAX_SIZE));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(object));
        immutable(object, old, List.of("data", "binaryData"), errs);
        return errs;
    }

    /** kube's rule for ConfigMaps and Secrets marked {@code immutable: true}. */
    static void immutable(ObjectNode object, ObjectNode old, List<String> fields, List<FieldError> errs) {
        if (!old.path("immutable").asBoolean(false)) {
            return;
        }
        if (!object.path("immutable").asBoolean(false)) {
            errs.add(FieldError.forbidden("immutable", "field is immutable when `immutable` is set"));
        }
        for (String field : fields) {
            if (!object.path(field).equals(old.path(field))) {
                errs.add(FieldError.forbidden(field, "field is immutable when `immutable` is set"));
            }
        }
    }

    static void keys(String field, String key, List<FieldError> errs) {
        Names.configMapKey(key).forEach(m -> errs.add(FieldError.invalid(field + "[" + key + "]", key, m)));
    }

    /** The decoded length of a base64 value, or its text length if it is not base64 (the decoder's job to refuse). */
    static long decodedLength(JsonNode value) {
        String text = value.asString("");
        try {
            return Base64.getDecoder().decode(text).length;
        } catch (IllegalArgumentException e) {
            return text.length();
        }
    }
}
