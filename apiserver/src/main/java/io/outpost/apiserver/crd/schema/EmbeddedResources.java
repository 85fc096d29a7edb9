package io.outpost.apiserver.crd.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.google.re2j.Pattern;

import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Objects under {@code x-kubernetes-embedded-resource: true}, as kube's
 * {@code apiserver/schema/objectmeta} treats them: apiVersion and kind are required, metadata is an
 * ObjectMeta whose unknown fields are dropped (and reported as unknown fields) and whose name is a
 * path segment.
 */
final class EmbeddedResources {

    /** The fields of metav1.ObjectMeta; anything else under an embedded metadata is pruned. */
    static final Set<String> OBJECT_META_FIELDS = Set.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields");

    private static final Pattern DNS1035 = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");

    private EmbeddedResources() {
    }

    /** kube's validateEmbeddedResource: apiVersion and kind present and well formed, metadata sane. */
    static List<FieldError> validate(ObjectNode x, String path) {
        List<FieldError> errs = new ArrayList<>();
        if (!x.has("apiVersion")) {
            errs.add(FieldError.required(Paths.child(path, "apiVersion"), "must not be empty"));
        }
        if (!x.has("kind")) {
            errs.add(FieldError.required(Paths.child(path, "kind"), "must not be empty"));
        }
        JsonNode apiVersion = x.get("apiVersion");
        if (apiVersion != null) {
            String p = Paths.child(path, "apiVersion");
            if (!apiVersion.isString()) {
                errs.add(FieldError.invalid(p, apiVersion, "must be a string"));
            } else if (apiVersion.stringValue().isEmpty()) {
                errs.add(FieldError.invalid(p, "", "must not be empty"));
            } else if (apiVersion.stringValue().split("/", -1).length > 2 || apiVersion.stringValue().startsWith("/")
                    || apiVersion.stringValue().endsWith("/")) {
                errs.add(FieldError.invalid(p, apiVersion.stringValue(), "unexpected GroupVersion string: " + apiVersion.stringValue()));
            }
        }
        JsonNode kind = x.get("kind");
        if (kind != null) {
            String p = Paths.child(path, "kind");
            if (!kind.isString()) {
                errs.add(FieldError.invalid(p, kind, "must be a string"));
            } else if (kind.stringValue().isEmpty()) {
                errs.add(FieldError.invalid(p, "", "must not be empty"));
            } else if (!DNS1035.matches(kind.stringValue().toLowerCase(Locale.ROOT))) {
                errs.add(FieldError.invalid(p, kind.stringValue(), "may have mixed case, but should otherwise match: "
                        + "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
                        + "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
                        + "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"));
            }
        }
        JsonNode meta = x.get("metadata");
        if (meta != null && meta.isObject()) {
            String p = Paths.child(Paths.child(path, "metadata"), "name");
            JsonNode name = meta.get("name");
            if (name != null && name.isString()) {
                for (String m : pathSegmentName(name.stringValue())) {
                    errs.add(FieldError.invalid(p, name.stringValue(), m));
                }
            }
        }
        return errs;
    }

    /** kube's path.ValidatePathSegmentName. */
    private static List<String> pathSegmentName(String name) {
        if (name.equals(".") || name.equals("..")) {
            return List.of("may not be '" + name + "'");
        }
        List<String> out = new ArrayList<>();
        if (name.contains("/")) {
            out.add("may not contain '/'");
        }
        if (name.contains("%")) {
            out.add("may not contain '%'");
        }
        return out;
    }

    /**
     * kube's objectmeta.Coerce: unknown ObjectMeta fields are removed and their paths added to
     * {@code pruned}. Below the root (dropInvalidFields) fields of the wrong JSON type go too; at
     * the root they stay, for the registry's metadata validation to refuse.
     */
    static void coerceMetadata(ObjectNode x, String path, List<String> pruned) {
        boolean root = path.isEmpty();
        JsonNode meta = x.get("metadata");
        if (meta == null) {
            return;
        }
        String metaPath = Paths.child(path, "metadata");
        if (!meta.isObject()) {
            if (root) {
                return;
            }
            x.remove("metadata");
            pruned.add(metaPath);
            return;
        }
        ObjectNode m = (ObjectNode) meta;
        for (String field : List.copyOf(m.propertyNames())) {
            JsonNode v = m.get(field);
            boolean keep = OBJECT_META_FIELDS.contains(field) && (root || typeFits(field, v));
            if (!keep) {
                m.remove(field);
                pruned.add(Paths.child(metaPath, field));
            }
        }
    }

    private static boolean typeFits(String field, JsonNode v) {
        if (v.isNull()) {
            return true;
        }
        return switch (field) {
            case "labels", "annotations" -> v.isObject() && v.valueStream().allMatch(JsonNode::isString);
            case "ownerReferences", "managedFields" -> v.isArray() && v.valueStream().allMatch(JsonNode::isObject);
            case "finalizers" -> v.isArray() && v.valueStream().allMatch(JsonNode::isString);
            case "generation", "deletionGracePeriodSeconds" -> v.isIntegralNumber();
            default -> v.isString();
        };
    }
}
