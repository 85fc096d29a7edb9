package io.outpost.apiserver.validation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;

/**
 * kube's {@code ValidateObjectMeta}: name or generateName by the kind's rule, namespace present
 * exactly when the kind is namespaced (a DNS-1123 label), label and annotation syntax, and the
 * 256 KiB bound on all annotations together, finalizers as qualified names.
 */
final class MetadataValidation {

    /** kube's {@code TotalAnnotationSizeLimitB}. */
    static final long ANNOTATIONS_LIMIT = 256 * 1024;

    private MetadataValidation() {
    }

    static List<FieldError> validate(JsonNode meta, boolean namespaced, Names.Rule rule) {
        List<FieldError> errs = new ArrayList<>();
        String name = Trees.text(meta, "name");
        String generateName = Trees.text(meta, "generateName");
        if (!generateName.isEmpty()) {
            rule.check(generateName, true).forEach(m -> errs.add(FieldError.invalid("metadata.generateName", generateName, m)));
        }
        if (name.isEmpty()) {
            if (generateName.isEmpty()) {
                errs.add(FieldError.required("metadata.name", "name or generateName is required"));
            }
        } else {
            rule.check(name, false).forEach(m -> errs.add(FieldError.invalid("metadata.name", name, m)));
        }
        String namespace = Trees.text(meta, "namespace");
        if (namespaced) {
            if (namespace.isEmpty()) {
                errs.add(FieldError.required("metadata.namespace", ""));
            } else {
                Names.dns1123Label(namespace).forEach(m -> errs.add(FieldError.invalid("metadata.namespace", namespace, m)));
            }
        } else if (!namespace.isEmpty()) {
            errs.add(FieldError.forbidden("metadata.namespace", "not allowed on this type"));
        }
        errs.addAll(labels(meta.path("labels"), "metadata.labels"));
        errs.addAll(annotations(meta.path("annotations"), "metadata.annotations"));
        // kube's ValidateFinalizers: qualified names, all reported at the list's path
        for (JsonNode finalizer : meta.path("finalizers")) {
            String value = finalizer.asString("");
            Names.qualifiedName(value).forEach(m -> errs.add(FieldError.invalid("metadata.finalizers", value, m)));
        }
        return errs;
    }

    /** kube's {@code ValidateLabels}: both the key and the value problems are at the map's path. */
    static List<FieldError> labels(JsonNode labels, String path) {
        List<FieldError> errs = new ArrayList<>();
        for (var e : labels.properties()) {
            Names.qualifiedName(e.getKey()).forEach(m -> errs.add(FieldError.invalid(path, e.getKey(), m)));
            String value = e.getValue().asString("");
            Names.labelValue(value).forEach(m -> errs.add(FieldError.invalid(path, value, m)));
        }
        return errs;
    }

    /** kube's {@code ValidateAnnotations}: keys are qualified names (compared in lower case). */
    static List<FieldError> annotations(JsonNode annotations, String path) {
        List<FieldError> errs = new ArrayList<>();
        long size = 0;
        for (var e : annotations.properties()) {
            Names.qualifiedName(e.getKey().toLowerCase(Locale.ROOT)).forEach(m -> errs.add(FieldError.invalid(path, e.getKey(), m)));
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().asString("").getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > ANNOTATIONS_LIMIT) {
            errs.add(FieldError.tooLong(path, ANNOTATIONS_LIMIT));
        }
        return errs;
    }
}
