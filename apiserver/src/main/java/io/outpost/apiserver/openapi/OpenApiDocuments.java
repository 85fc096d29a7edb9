package io.outpost.apiserver.openapi;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.outpost.api.GroupVersion;
import io.outpost.api.GroupVersionKind;
import io.outpost.api.KindClasses;
import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the OpenAPI documents of the built-in resources: one OpenAPI 3.0 document per served
 * group version (paths from {@link PathItems}, {@code components.schemas} of every model class
 * its kinds reach) and one Swagger 2.0 document with every definition, for {@code /openapi/v2}.
 * Each tree is built once at start, rendered to bytes by the handlers and dropped.
 *
 * <p>Stateless (static builders).
 */
final class OpenApiDocuments {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenApiDocuments() {
    }

    /** The OpenAPI 3 document of each served group version, keyed {@code api/v1}, {@code apis/apps/v1}. */
    static Map<String, ObjectNode> v3(ResourceTypes types) {
        SchemaGenerator schemas = new SchemaGenerator(SchemaGenerator.Dialect.V3, patchExtensions(), kindsByClass());
        Map<String, ObjectNode> documents = new LinkedHashMap<>();
        for (GroupVersion gv : types.groupVersions()) {
            Map<String, ObjectNode> paths = new LinkedHashMap<>();
            Map<String, JsonNode> components = new TreeMap<>();
            for (ResourceType type : types.groupVersion(gv)) {
                if (KindClasses.of(type.kind()).isEmpty()) {
                    continue; // no typed model: nothing to describe
                }
                PathItems.add(type, kind -> KindClasses.of(kind).map(c -> {
                    schemas.addWithReferences(c, components);
                    return SchemaNames.of(c);
                }).orElse(null), paths);
            }
            schemas.addWithReferences(Status.class, components);
            schemas.addWithReferences(DeleteOptions.class, components);
            components.put(PathItems.PATCH_SCHEMA, NODES.objectNode().put("type", "object").put("description",
                    "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body."));

            ObjectNode doc = NODES.objectNode();
            doc.put("openapi", "3.0.0");
            doc.putObject("info").put("title", "Kubernetes").put("version", "unversioned");
            ObjectNode p = doc.putObject("paths");
            paths.forEach(p::set);
            ObjectNode c = doc.putObject("components").putObject("schemas");
            components.forEach(c::set);
            documents.put(key(gv), doc);
        }
        return documents;
    }

    /** The Swagger 2.0 document: every definition of every kind, no paths (kubectl reads definitions). */
    static ObjectNode v2() {
        SchemaGenerator schemas = new SchemaGenerator(SchemaGenerator.Dialect.V2, patchExtensions(), kindsByClass());
        Map<String, JsonNode> definitions = new TreeMap<>();
        for (Class<? extends HasMetadata> type : KindClasses.all().values()) {
            schemas.addWithReferences(type, definitions);
        }
        schemas.addWithReferences(Status.class, definitions);
        ObjectNode doc = NODES.objectNode();
        doc.put("swagger", "2.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", "unversioned");
        doc.putObject("paths");
        ObjectNode d = doc.putObject("definitions");
        definitions.forEach(d::set);
        return doc;
    }

    /** The index key and URL path of a group version under {@code /openapi/v3/}. */
    static String key(GroupVersion gv) {
        return gv.core() ? "api/" + gv.version() : "apis/" + gv.apiVersion();
    }

    private static Map<Class<?>, GroupVersionKind> kindsByClass() {
        Map<Class<?>, GroupVersionKind> kinds = new HashMap<>();
        KindClasses.all().forEach((kind, type) -> kinds.put(type, kind));
        return kinds;
    }

    private static PatchExtensions patchExtensions() {
        PatchExtensions patches = new PatchExtensions();
        KindClasses.all().forEach((kind, type) -> patches.addKind(kind.group(), kind.kind(), type));
        return patches;
    }
}
