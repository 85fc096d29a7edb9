package io.outpost.apiserver.openapi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Status;
import io.outpost.api.GroupVersion;
import io.outpost.api.GroupVersionKind;
import io.outpost.api.KindClasses;
import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.catalog.CustomKind;
import io.outpost.apiserver.catalog.ResourceCatalog;
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
        return v3(new ResourceCatalog.Snapshot(types, Map.of()));
    }

    /**
     * The same for a catalog snapshot: a custom resource's schema is its CRD version's
     * {@code openAPIV3Schema} with {@code apiVersion}, {@code kind} and {@code metadata} filled in,
     * named as kube names it ({@code com.example.v1.Widget}).
     */
    static Map<String, ObjectNode> v3(ResourceCatalog.Snapshot snapshot) {
        ResourceTypes types = snapshot.types();
        SchemaGenerator schemas = new SchemaGenerator(SchemaGenerator.Dialect.V3, patchExtensions(), kindsByClass());
        Map<String, ObjectNode> documents = new LinkedHashMap<>();
        for (GroupVersion gv : types.groupVersions()) {
            Map<String, ObjectNode> paths = new LinkedHashMap<>();
            Map<String, JsonNode> components = new TreeMap<>();
            for (ResourceType type : types.groupVersion(gv)) {
                Optional<CustomKind> custom = snapshot.custom(type.kind());
                if (KindClasses.of(type.kind()).isEmpty() && custom.isEmpty()) {
                    continue; // no typed model: nothing to describe
                }
                PathItems.add(type, kind -> KindClasses.of(kind).map(c -> {
                    schemas.addWithReferences(c, components);
                    return SchemaNames.of(c);
                }).orElseGet(() -> {
                    schemas.addWithReferences(io.fabric8.kubernetes.api.model.ObjectMeta.class, components);
                    String name = customName(kind);
                    components.put(name, customSchema(kind, custom.get().schema()));
                    return name;
                }), paths);
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

    /** kube's name of a custom resource's schema: the group reversed, the version, the kind. */
    static String customName(GroupVersionKind kind) {
        List<String> parts = new ArrayList<>(List.of(kind.group().split("\\.")));
        Collections.reverse(parts);
        return String.join(".", parts) + "." + kind.version() + "." + kind.kind();
    }

    /** A custom resource's schema as kube's {@code builder.BuildOpenAPIV3} publishes it. */
    static ObjectNode customSchema(GroupVersionKind kind, JsonNode crdSchema) {
        ObjectNode schema = crdSchema instanceof ObjectNode o ? o.deepCopy() : NODES.objectNode();
        if (!schema.has("type")) {
            schema.put("type", "object");
        }
        if (crdSchema == null) {
            schema.put("x-kubernetes-preserve-unknown-fields", true);
        }
        ObjectNode properties = schema.withObjectProperty("properties");
        properties.putObject("apiVersion").put("type", "string").put("description",
                "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized"
                        + " schemas to the latest internal value, and may reject unrecognized values.");
        properties.putObject("kind").put("type", "string").put("description",
                "Kind is a string value representing the REST resource this object represents. Servers may infer this from the"
                        + " endpoint the client submits requests to. Cannot be updated. In CamelCase.");
        ObjectNode metadata = properties.putObject("metadata");
        metadata.putArray("allOf").addObject().put("$ref", SchemaGenerator.Dialect.V3.refPrefix + SchemaNames.meta("ObjectMeta"));
        metadata.put("description", "Standard object's metadata. More info: "
                + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
        schema.putArray("x-kubernetes-group-version-kind").addObject()
                .put("group", kind.group()).put("kind", kind.kind()).put("version", kind.version());
        return schema;
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
