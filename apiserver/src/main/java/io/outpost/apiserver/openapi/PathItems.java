package io.outpost.apiserver.openapi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import io.outpost.api.GroupVersion;
import io.outpost.api.GroupVersionKind;
import io.outpost.api.ResourceType;
import io.outpost.api.Subresource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI 3 path items of one resource, as kube-apiserver publishes them: the collection
 * ({@code get} = list, {@code post} = create, {@code delete} = deletecollection), the object
 * ({@code get}, {@code put}, {@code patch}, {@code delete}), the all-namespaces list and the
 * subresources, each operation only if the resource's verbs allow it. Every operation carries
 * {@code x-kubernetes-action} and {@code x-kubernetes-group-version-kind}; writes carry the
 * {@code dryRun}, {@code fieldManager} and {@code fieldValidation} query parameters. kubectl
 * 1.27+ looks for exactly that on the {@code patch} operation of a kind to decide that the server
 * validates fields itself ({@code query_param_verifier_v3.go}), and then skips client-side
 * validation.
 *
 * <p>Stateless.
 */
final class PathItems {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String REF = SchemaGenerator.Dialect.V3.refPrefix;
    static final String PATCH_SCHEMA = SchemaNames.meta("Patch");
    private static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml", "application/json-patch+json",
            "application/merge-patch+json", "application/strategic-merge-patch+json");

    private PathItems() {
    }

    /**
     * Adds the path items of {@code type} to {@code paths}; {@code schemaOf} names the schema of a
     * kind (every kind passed to it must have one).
     */
    static void add(ResourceType type, Function<GroupVersionKind, String> schemaOf, Map<String, ObjectNode> paths) {
        GroupVersionKind kind = type.kind();
        GroupVersion gv = GroupVersion.of(kind);
        String root = gv.core() ? "/api/v1" : "/apis/" + gv.apiVersion();
        String collection = type.namespaced() ? root + "/namespaces/{namespace}/" + type.plural() : root + "/" + type.plural();
        String item = collection + "/{name}";
        String ref = REF + schemaOf.apply(kind);
        String scoped = (type.namespaced() ? "Namespaced" : "") + kind.kind();
        List<String> verbs = type.verbs();

        Map<String, ObjectNode> ops = new LinkedHashMap<>();
        if (verbs.contains("list")) {
            ops.put("get", operation("list", kind, scoped, ref, "list or watch objects of kind " + kind.kind()));
        }
        if (verbs.contains("create")) {
            ops.put("post", write(operation("create", kind, scoped, ref, "create " + article(kind.kind())), ref));
        }
        if (verbs.contains("deletecollection")) {
            ops.put("delete", operation("deletecollection", kind, "Collection" + scoped, REF + SchemaNames.meta("Status"),
                    "delete collection of " + kind.kind()));
        }
        put(paths, collection, ops, type.namespaced() ? List.of("namespace") : List.of());

        ops = new LinkedHashMap<>();
        if (verbs.contains("get")) {
            ops.put("get", operation("get", kind, scoped, ref, "read the specified " + kind.kind()));
        }
        if (verbs.contains("update")) {
            ops.put("put", write(operation("update", kind, scoped, ref, "replace the specified " + kind.kind()), ref));
        }
        if (verbs.contains("patch")) {
            ops.put("patch", patch(operation("patch", kind, scoped, ref, "partially update the specified " + kind.kind())));
        }
        if (verbs.contains("delete")) {
            ops.put("delete", operation("delete", kind, scoped, REF + SchemaNames.meta("Status"), "delete " + article(kind.kind())));
        }
        put(paths, item, ops, type.namespaced() ? List.of("name", "namespace") : List.of("name"));

        if (type.namespaced() && verbs.contains("list")) {
            put(paths, root + "/" + type.plural(), Map.of("get",
                    operation("list", kind, kind.kind() + "ForAllNamespaces", ref, "list or watch objects of kind " + kind.kind())), List.of());
        }
        for (Subresource sub : type.subresources()) {
            subresource(type, sub, item, schemaOf, paths);
        }
    }

    private static void subresource(ResourceType type, Subresource sub, String item, Function<GroupVersionKind, String> schemaOf,
                                    Map<String, ObjectNode> paths) {
        String name = schemaOf.apply(sub.responseKind());
        if (name == null) {
            return; // log, exec, ...: not a typed object
        }
        String ref = REF + name;
        GroupVersionKind kind = type.kind();
        String scoped = (type.namespaced() ? "Namespaced" : "") + kind.kind() + capitalise(sub.name());
        String what = sub.name() + " of the specified " + kind.kind();
        Map<String, ObjectNode> ops = new LinkedHashMap<>();
        if (sub.verbs().contains("get")) {
            ops.put("get", operation("get", kind, scoped, ref, "read " + what));
        }
        if (sub.verbs().contains("create")) {
            ops.put("post", write(operation("create", kind, scoped, ref, "create " + what), ref));
        }
        if (sub.verbs().contains("update")) {
            ops.put("put", write(operation("update", kind, scoped, ref, "replace " + what), ref));
        }
        if (sub.verbs().contains("patch")) {
            ops.put("patch", patch(operation("patch", kind, scoped, ref, "partially update " + what)));
        }
        put(paths, item + "/" + sub.name(), ops, type.namespaced() ? List.of("name", "namespace") : List.of("name"));
    }

    private static void put(Map<String, ObjectNode> paths, String path, Map<String, ObjectNode> ops, List<String> pathParams) {
        if (ops.isEmpty()) {
            return;
        }
        ObjectNode item = NODES.objectNode();
        ops.forEach(item::set);
        if (!pathParams.isEmpty()) {
            ArrayNode params = item.putArray("parameters");
            for (String p : pathParams) {
                params.addObject().put("name", p).put("in", "path").put("required", true)
                        .put("description", p + " of the " + (p.equals("name") ? "object" : "namespace"))
                        .putObject("schema").put("type", "string").put("uniqueItems", true);
            }
        }
        paths.put(path, item);
    }

    /** kube's operation ids read {@code patchAppsV1NamespacedDeployment}. */
    private static ObjectNode operation(String action, GroupVersionKind kind, String scoped, String responseRef, String description) {
        String verb = switch (action) {
            case "get" -> "read";
            case "update" -> "replace";
            default -> action;
        };
        ObjectNode op = NODES.objectNode();
        op.put("description", description);
        op.put("operationId", verb + groupCamel(kind.group()) + capitalise(kind.version()) + scoped);
        if (action.equals("list")) {
            ArrayNode params = op.putArray("parameters");
            for (String p : List.of("continue", "fieldSelector", "labelSelector", "resourceVersion")) {
                query(params, p, "string", "see the Kubernetes API conventions");
            }
            query(params, "limit", "integer", "maximum number of responses to return for a list call");
            query(params, "timeoutSeconds", "integer", "timeout for the list/watch call");
            query(params, "watch", "boolean", "watch for changes to the described resources");
        }
        op.putObject("responses").putObject("200").put("description", "OK")
                .putObject("content").putObject("application/json").putObject("schema").put("$ref", responseRef);
        op.put("x-kubernetes-action", action.equals("update") ? "put" : action.equals("create") ? "post" : action);
        op.putObject("x-kubernetes-group-version-kind")
                .put("group", kind.group()).put("kind", kind.kind()).put("version", kind.version());
        return op;
    }

    /** A create or replace: the object in the body, and the write parameters. */
    private static ObjectNode write(ObjectNode op, String ref) {
        op.putObject("requestBody").put("required", true).putObject("content").putObject("*/*")
                .putObject("schema").put("$ref", ref);
        writeParameters(op.withArray("parameters"));
        return op;
    }

    private static ObjectNode patch(ObjectNode op) {
        ObjectNode content = op.putObject("requestBody").put("required", true).putObject("content");
        for (String type : PATCH_TYPES) {
            content.putObject(type).putObject("schema").put("$ref", REF + PATCH_SCHEMA);
        }
        ArrayNode params = op.withArray("parameters");
        writeParameters(params);
        query(params, "force", "boolean", "Force is going to \"force\" Apply requests. It means user will re-acquire"
                + " conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.");
        return op;
    }

    private static void writeParameters(ArrayNode params) {
        query(params, "dryRun", "string", "When present, indicates that modifications should not be persisted."
                + " Valid values are: - All: all dry run stages will be processed");
        query(params, "fieldManager", "string", "fieldManager is a name associated with the actor or entity that is making these changes.");
        query(params, "fieldValidation", "string", "fieldValidation instructs the server on how to handle objects in the"
                + " request containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict");
    }

    private static void query(ArrayNode params, String name, String type, String description) {
        params.addObject().put("name", name).put("in", "query").put("description", description)
                .putObject("schema").put("type", type).put("uniqueItems", true);
    }

    /** {@code rbac.authorization.k8s.io} reads {@code RbacAuthorization}; the core group {@code Core}. */
    static String groupCamel(String group) {
        if (group.isEmpty()) {
            return "Core";
        }
        StringBuilder out = new StringBuilder();
        for (String part : group.replace(".k8s.io", "").split("\\.")) {
            out.append(capitalise(part));
        }
        return out.toString();
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    private static String article(String kind) {
        return ("AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
    }
}
