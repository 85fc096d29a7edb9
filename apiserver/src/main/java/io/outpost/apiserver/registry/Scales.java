package io.outpost.apiserver.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.outpost.apiserver.admission.Operation;
import io.outpost.apiserver.catalog.CustomKind;
import io.outpost.apiserver.catalog.ResourceCatalog;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.storage.ObjectStore;
import io.outpost.apiserver.storage.Versioned;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code scale} subresource of deployments, replicasets and statefulsets: an
 * {@code autoscaling/v1 Scale} view of {@code spec.replicas}, {@code status.replicas} and the
 * selector as a string ({@code app=x}). PUT and merge PATCH ({@code kubectl scale}) change only
 * the parent's {@code spec.replicas}; a Scale carrying a resourceVersion is a compare-and-set.
 * Thread model: as {@link Registry}.
 */
final class Scales {

    private final ObjectStore store;
    private final Updates updates;
    private final FieldTracking tracking;
    private final ResourceCatalog catalog;

    Scales(ObjectStore store, Updates updates, FieldTracking tracking, ResourceCatalog catalog) {
        this.store = store;
        this.updates = updates;
        this.tracking = tracking;
        this.catalog = catalog;
    }

    /** A custom resource's scale paths (its CRD's {@code subresources.scale}), or null for a built-in. */
    private CustomKind.ScalePaths customPaths(Target target) {
        return catalog.snapshot().custom(target.type().kind()).map(CustomKind::scale).orElse(null);
    }

    ApiResponse get(Target target) {
        Versioned parent = store.get(target.key()).orElseThrow(() -> ApiException.notFound(target.type(), target.name()));
        return Responses.json(200, scale(parent.object(), customPaths(target)));
    }

    ApiResponse update(ApiRequest request, Target target) {
        return apply(request, target, Responses.body(request), FieldTracking.manager(request, "UpdateOptions"));
    }

    /** A JSON merge patch (RFC 7386) of the Scale; a strategic merge patch of these fields means the same. */
    ApiResponse patch(ApiRequest request, Target target) {
        String contentType = request.header("content-type").orElse("").split(";")[0].trim();
        if (!contentType.equals("application/merge-patch+json") && !contentType.equals("application/strategic-merge-patch+json")) {
            throw new ApiException(415, "UnsupportedMediaType", "the scale subresource takes application/merge-patch+json or "
                    + "application/strategic-merge-patch+json patches, not " + contentType, io.outpost.apiserver.http.Statuses.Details.NONE);
        }
        String manager = FieldTracking.manager(request, "PatchOptions");
        Versioned parent = store.get(target.key()).orElseThrow(() -> ApiException.notFound(target.type(), target.name()));
        JsonNode patched = mergePatch(scale(parent.object(), customPaths(target)), Responses.body(request.body()));
        ObjectNode scale = (ObjectNode) patched;
        ObjectMeta.meta(scale).put("resourceVersion", Long.toString(parent.revision()));
        return apply(request, target, scale, manager);
    }

    /**
     * Sets the parent's replicas; validating admission sees the Scale being written and the one it
     * replaces, and the write is recorded as the manager's on the {@code scale} subresource, as kube does.
     */
    private ApiResponse apply(ApiRequest request, Target target, ObjectNode scale, String manager) {
        JsonNode replicas = scale.path("spec").path("replicas");
        if (!replicas.isMissingNode() && !replicas.isNull() && (!replicas.canConvertToInt() || replicas.asInt() < 0)) {
            throw ApiException.invalid(target.type(), target.name(), "spec.replicas",
                    "Invalid value: " + replicas + ": must be greater than or equal to 0");
        }
        String expectedRv = scale.path("metadata").path("resourceVersion").asString("");
        CustomKind.ScalePaths paths = customPaths(target);
        List<String> warnings = new ArrayList<>();
        Versioned result = updates.write(target, false, current -> {
            warnings.clear();
            if (!expectedRv.isEmpty() && !expectedRv.equals(Long.toString(current.revision()))) {
                throw ApiException.modified(target.type(), target.name());
            }
            ObjectNode parent = current.object();
            ObjectNode before = parent.deepCopy();
            int wanted = replicas.isMissingNode() || replicas.isNull() ? 0 : replicas.asInt();
            if (paths == null) {
                parent.withObjectProperty("spec").put("replicas", wanted);
            } else {
                List<String> at = fields(paths.specReplicasPath());
                ObjectNode owner = parent;
                for (String f : at.subList(0, at.size() - 1)) {
                    owner = owner.withObjectProperty(f);
                }
                owner.put(at.getLast(), wanted);
            }
            Updates.keepSystemFields(target.type(), before, parent);
            updates.admission().validate(Operation.UPDATE, request, target, target.name(), scale(parent, paths), scale(before, paths), false,
                    "UpdateOptions", warnings);
            return tracking.update(target, "scale", before, parent, manager);
        });
        return Responses.withWarnings(Responses.json(200, scale(result.object(), paths)), warnings);
    }

    static ObjectNode scale(ObjectNode parent) {
        return scale(parent, null);
    }

    /**
     * The Scale of an object; for a custom resource ({@code paths} not null) kube's
     * {@code scaleFromCustomResource}: replicas at the CRD's paths (0 where absent), the selector
     * the string at {@code labelSelectorPath}.
     */
    static ObjectNode scale(ObjectNode parent, CustomKind.ScalePaths paths) {
        if (paths != null) {
            ObjectNode scale = scale(parent);
            scale.withObjectProperty("spec").put("replicas", at(parent, paths.specReplicasPath()).asInt(0));
            ObjectNode status = scale.withObjectProperty("status");
            status.put("replicas", at(parent, paths.statusReplicasPath()).asInt(0));
            status.remove("selector");
            JsonNode selector = paths.labelSelectorPath() == null ? null : at(parent, paths.labelSelectorPath());
            if (selector != null && selector.isString()) {
                status.put("selector", selector.asString());
            }
            return scale;
        }
        ObjectNode scale = Responses.JSON.createObjectNode();
        scale.put("kind", "Scale");
        scale.put("apiVersion", "autoscaling/v1");
        ObjectNode meta = scale.putObject("metadata");
        for (String f : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (parent.path("metadata").has(f)) {
                meta.set(f, parent.path("metadata").get(f).deepCopy());
            }
        }
        scale.putObject("spec").put("replicas", parent.path("spec").path("replicas").asInt(1));
        ObjectNode status = scale.putObject("status");
        status.put("replicas", parent.path("status").path("replicas").asInt(0));
        String selector = selectorString(parent.path("spec").path("selector"));
        if (!selector.isEmpty()) {
            status.put("selector", selector);
        }
        return scale;
    }

    /** The field names of a simple JSON path ({@code .spec.replicas}), as a CRD's scale paths are. */
    static List<String> fields(String path) {
        return List.of((path.startsWith(".") ? path.substring(1) : path).split("\\."));
    }

    private static JsonNode at(ObjectNode object, String path) {
        JsonNode node = object;
        for (String f : fields(path)) {
            node = node.path(f);
        }
        return node;
    }

    /** A {@code metav1.LabelSelector} as a selector string, requirements sorted by key as kube's {@code String()} does. */
    static String selectorString(JsonNode selector) {
        TreeMap<String, List<String>> byKey = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : selector.path("matchLabels").properties()) {
            byKey.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getKey() + "=" + e.getValue().asString(""));
        }
        for (JsonNode expr : selector.path("matchExpressions")) {
            String key = expr.path("key").asString("");
            List<String> values = new ArrayList<>();
            expr.path("values").forEach(v -> values.add(v.asString("")));
            values.sort(null);
            String term = switch (expr.path("operator").asString("")) {
                case "In" -> key + " in (" + String.join(",", values) + ")";
                case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
                case "Exists" -> key;
                case "DoesNotExist" -> "!" + key;
                default -> null;
            };
            if (term != null) {
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(term);
            }
        }
        List<String> terms = new ArrayList<>();
        byKey.values().forEach(terms::addAll);
        return String.join(",", terms);
    }

    /** RFC 7386: objects merge recursively, null removes, anything else replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!(patch instanceof ObjectNode patchObject)) {
            return patch.deepCopy();
        }
        ObjectNode result = target instanceof ObjectNode t ? t.deepCopy() : Responses.JSON.createObjectNode();
        for (Map.Entry<String, JsonNode> e : patchObject.properties()) {
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), mergePatch(result.path(e.getKey()), e.getValue()));
            }
        }
        return result;
    }
}
