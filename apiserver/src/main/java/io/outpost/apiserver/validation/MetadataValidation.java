package io.outpost.apiserver.validation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * kube's {@code ValidateObjectMeta}: name or generateName by the kind's rule, namespace present
 * exactly when the kind is namespaced (a DNS-1123 label), label and annotation syntax, and the
 * 256 KiB bound on all annotations together, finalizers as qualified names (and not both of the
 * garbage collector's), owner references complete; on update, no finalizer added to an object
 * being deleted.
 */
final class MetadataValidation {

    /** kube's {@code TotalAnnotationSizeLimitB}. */
    static final long ANNOTATIONS_LIMIT = 256 * 1024;
    /** The garbage collector's finalizers, which contradict each other. */
    private static final String ORPHAN = "orphan";
    private static final String FOREGROUND = "foregroundDeletion";

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
        List<String> finalizers = new ArrayList<>();
        for (JsonNode finalizer : meta.path("finalizers")) {
            String value = finalizer.asString("");
            finalizers.add(value);
            Names.qualifiedName(value).forEach(m -> errs.add(FieldError.invalid("metadata.finalizers", value, m)));
        }
        if (finalizers.contains(ORPHAN) && finalizers.contains(FOREGROUND)) {
            errs.add(FieldError.invalid("metadata.finalizers", finalizers,
                    "finalizer " + ORPHAN + " and " + FOREGROUND + " cannot be both set"));
        }
        errs.addAll(ownerReferences(meta.path("ownerReferences")));
        return errs;
    }

    /**
     * kube's {@code ValidateObjectMetaUpdate} on finalizers: none may be added once the object is
     * being deleted (removing them is how a deletion finishes).
     */
    static List<FieldError> validateUpdate(JsonNode meta, JsonNode oldMeta) {
        if (!oldMeta.hasNonNull("deletionTimestamp")) {
            return List.of();
        }
        Set<String> had = new LinkedHashSet<>();
        oldMeta.path("finalizers").forEach(f -> had.add(f.asString("")));
        List<String> added = new ArrayList<>();
        meta.path("finalizers").forEach(f -> {
            if (!had.contains(f.asString(""))) {
                added.add(f.asString(""));
            }
        });
        if (added.isEmpty()) {
            return List.of();
        }
        String goSlice = "[]string{" + String.join(", ", added.stream().map(f -> "\"" + f + "\"").toList()) + "}";
        return List.of(FieldError.forbidden("metadata.finalizers",
                "no new finalizers can be added if the object is being deleted, found new finalizers " + goSlice));
    }

    /**
     * kube's {@code ValidateOwnerReferences}: each names its owner completely (apiVersion with a
     * version, kind, name, uid), an Event owns nothing, and at most one is the controller. As in
     * kube, the errors are at the list's path, not the item's.
     */
    static List<FieldError> ownerReferences(JsonNode references) {
        List<FieldError> errs = new ArrayList<>();
        String path = "metadata.ownerReferences";
        List<String> controllers = new ArrayList<>();
        for (JsonNode ref : references) {
            String apiVersion = Trees.text(ref, "apiVersion");
            String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
            String kind = Trees.text(ref, "kind");
            String name = Trees.text(ref, "name");
            if (version.isEmpty()) {
                errs.add(FieldError.invalid(path + ".apiVersion", apiVersion, "version must not be empty"));
            }
            if (kind.isEmpty()) {
                errs.add(FieldError.invalid(path + ".kind", kind, "kind must not be empty"));
            }
            if (name.isEmpty()) {
                errs.add(FieldError.invalid(path + ".name", name, "name must not be empty"));
            }
            if (Trees.text(ref, "uid").isEmpty()) {
                errs.add(FieldError.invalid(path + ".uid", "", "uid must not be empty"));
            }
            if (apiVersion.equals("v1") && kind.equals("Event")) {
                errs.add(FieldError.invalid(path, ref, "/v1, Kind=Event is disallowed from being an owner"));
            }
            if (ref.path("controller").asBoolean(false)) {
                controllers.add(name);
            }
        }
        if (controllers.size() > 1) {
            errs.add(FieldError.invalid(path, references, "Only one reference can have Controller set to true. Found \"true\" in references for "
                    + String.join(" and ", controllers)));
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
