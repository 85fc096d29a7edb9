package io.outpost.apiserver.crd;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.outpost.api.GroupVersionKind;
import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.table.SimpleJsonPath;
import io.outpost.apiserver.validation.FieldError;
import io.outpost.apiserver.validation.KindStrategy;
import io.outpost.apiserver.validation.Names;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The strategy of {@code apiextensions.k8s.io/v1} CustomResourceDefinitions, as kube's
 * {@code apiextensions/validation} and {@code customresourcedefinition/strategy.go}: defaults
 * (singular, listKind, conversion None), a fresh status on create holding the storage version in
 * {@code storedVersions}, the cleanup finalizer, and validation with kube's field paths. Each
 * version's schema goes through the {@link CrdSchemas} seam.
 *
 * <p>Conversion webhooks are not served: a CRD asking for one is refused, so that no object is
 * ever served in a version it was not converted to.
 *
 * <p>Immutable; shared by every request.
 */
public final class CrdValidation implements KindStrategy {

    /** kube's {@code apiextensions.CustomResourceCleanupFinalizer}. */
    public static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
    private static final List<String> COLUMN_TYPES = List.of("boolean", "date", "integer", "number", "string");
    private static final List<String> COLUMN_FORMATS = List.of("byte", "date", "date-time", "double", "float", "int32", "int64", "password");

    /** The kind this strategy is for. */
    public static final GroupVersionKind KIND = new GroupVersionKind("apiextensions.k8s.io", "v1", "CustomResourceDefinition");

    private final CrdSchemas schemas;

    public CrdValidation(CrdSchemas schemas) {
        this.schemas = schemas;
    }

    /** For {@link io.outpost.apiserver.validation.Strategies#withMore}: this strategy for CRDs, nothing else. */
    public static Function<GroupVersionKind, Optional<KindStrategy>> forKind(CrdSchemas schemas) {
        CrdValidation strategy = new CrdValidation(schemas);
        return kind -> kind.equals(KIND) ? Optional.of(strategy) : Optional.empty();
    }

    /** The CustomResourceDefinition resource among {@code types}. */
    public static ResourceType resource(ResourceTypes types) {
        return types.byKind(KIND).orElseThrow(() -> new IllegalArgumentException("CustomResourceDefinitions are not served"));
    }

    @Override
    public void applyDefaults(ObjectNode crd) {
        ObjectNode spec = crd.withObjectProperty("spec");
        ObjectNode names = spec.withObjectProperty("names");
        String kind = names.path("kind").asString("");
        if (names.path("singular").asString("").isEmpty() && !kind.isEmpty()) {
            names.put("singular", kind.toLowerCase(Locale.ROOT));
        }
        if (names.path("listKind").asString("").isEmpty() && !kind.isEmpty()) {
            names.put("listKind", kind + "List");
        }
        if (!spec.path("conversion").isObject()) {
            spec.putObject("conversion").put("strategy", "None");
        }
    }

    /**
     * kube's PrepareForCreate: status starts with the storage version stored. The cleanup
     * finalizer is added when a delete begins, as kube's CRD storage does (the registry's Deletes).
     */
    @Override
    public void prepareForCreate(ObjectNode crd) {
        ObjectNode status = crd.putObject("status");
        status.putObject("acceptedNames").put("kind", "").put("plural", "");
        status.putArray("conditions");
        ArrayNode stored = status.putArray("storedVersions");
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("storage").asBoolean(false)) {
                stored.add(v.path("name").asString(""));
            }
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode crd) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = crd.path("spec");
        JsonNode names = spec.path("names");
        String group = spec.path("group").asString("");
        String plural = names.path("plural").asString("");
        String name = crd.path("metadata").path("name").asString("");
        if (!name.isEmpty() && !name.equals(plural + "." + group)) {
            errs.add(FieldError.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }
        if (group.isEmpty()) {
            errs.add(FieldError.required("spec.group", ""));
        } else {
            Names.dns1123Subdomain(group).forEach(m -> errs.add(FieldError.invalid("spec.group", group, m)));
            if (group.split("\\.").length < 2) {
                errs.add(FieldError.invalid("spec.group", group, "should be a domain with at least one dot"));
            }
        }
        String scope = spec.path("scope").asString("");
        if (scope.isEmpty()) {
            errs.add(FieldError.required("spec.scope", ""));
        } else if (!scope.equals("Cluster") && !scope.equals("Namespaced")) {
            errs.add(FieldError.notSupported("spec.scope", scope, List.of("Cluster", "Namespaced")));
        }
        names(names, "spec.names", errs);
        versions(spec, errs);
        String strategy = spec.path("conversion").path("strategy").asString("None");
        if (!strategy.equals("None")) {
            errs.add(FieldError.notSupported("spec.conversion.strategy", strategy, List.of("None")));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode crd, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(crd));
        for (String f : List.of("group", "scope")) {
            JsonNode was = old.path("spec").path(f);
            JsonNode now = crd.path("spec").path(f);
            if (!was.isMissingNode() && !was.equals(now)) {
                errs.add(FieldError.invalid("spec." + f, now.asString(""), "field is immutable"));
            }
        }
        String oldPlural = old.path("spec").path("names").path("plural").asString("");
        String plural = crd.path("spec").path("names").path("plural").asString("");
        if (!oldPlural.equals(plural)) {
            errs.add(FieldError.invalid("spec.names.plural", plural, "field is immutable"));
        }
        return errs;
    }

    private static void names(JsonNode names, String path, List<FieldError> errs) {
        String plural = names.path("plural").asString("");
        if (plural.isEmpty()) {
            errs.add(FieldError.required(path + ".plural", ""));
        } else {
            label(path + ".plural", plural, errs);
        }
        String singular = names.path("singular").asString("");
        if (!singular.isEmpty()) {
            label(path + ".singular", singular, errs);
        }
        String kind = names.path("kind").asString("");
        if (kind.isEmpty()) {
            errs.add(FieldError.required(path + ".kind", ""));
        } else {
            Names.dns1035Label(kind.toLowerCase(Locale.ROOT)).forEach(m -> errs.add(FieldError.invalid(path + ".kind", kind, m)));
        }
        String listKind = names.path("listKind").asString("");
        if (listKind.isEmpty()) {
            errs.add(FieldError.required(path + ".listKind", ""));
        } else {
            Names.dns1035Label(listKind.toLowerCase(Locale.ROOT)).forEach(m -> errs.add(FieldError.invalid(path + ".listKind", listKind, m)));
            if (listKind.equals(kind)) {
                errs.add(FieldError.invalid(path + ".listKind", listKind, "kind and listKind may not be the same or parsing errors may occur"));
            }
        }
        int i = 0;
        for (JsonNode s : names.path("shortNames")) {
            label(path + ".shortNames[" + i++ + "]", s.asString(""), errs);
        }
        i = 0;
        for (JsonNode c : names.path("categories")) {
            label(path + ".categories[" + i++ + "]", c.asString(""), errs);
        }
    }

    private static void label(String path, String value, List<FieldError> errs) {
        Names.dns1035Label(value).forEach(m -> errs.add(FieldError.invalid(path, value, m)));
    }

    private void versions(JsonNode spec, List<FieldError> errs) {
        JsonNode versions = spec.path("versions");
        if (!versions.isArray() || versions.isEmpty()) {
            errs.add(FieldError.required("spec.versions", "must have exactly one version marked as storage version"));
            return;
        }
        int storage = 0;
        boolean served = false;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < versions.size(); i++) {
            JsonNode v = versions.get(i);
            String path = "spec.versions[" + i + "]";
            String name = v.path("name").asString("");
            if (name.isEmpty()) {
                errs.add(FieldError.required(path + ".name", ""));
            } else {
                Names.dns1035Label(name).forEach(m -> errs.add(FieldError.invalid(path + ".name", name, m)));
                if (!seen.add(name)) {
                    errs.add(FieldError.invalid("spec.versions", versionNames(versions), "must contain unique version names"));
                }
            }
            storage += v.path("storage").asBoolean(false) ? 1 : 0;
            served |= v.path("served").asBoolean(false);
            JsonNode schema = v.path("schema").get("openAPIV3Schema");
            if (schema == null) {
                errs.add(FieldError.required(path + ".schema.openAPIV3Schema", "schemas are required"));
            } else {
                errs.addAll(schemas.check(schema, path + ".schema.openAPIV3Schema"));
            }
            columns(v.path("additionalPrinterColumns"), path + ".additionalPrinterColumns", errs);
            scale(v.path("subresources").path("scale"), path + ".subresources.scale", errs);
        }
        if (storage != 1) {
            errs.add(FieldError.invalid("spec.versions", versionNames(versions), "must have exactly one version marked as storage version"));
        }
        if (!served) {
            errs.add(FieldError.invalid("spec.versions", versionNames(versions), "must have at least one version marked as served"));
        }
    }

    private static String versionNames(JsonNode versions) {
        List<String> names = new ArrayList<>();
        versions.forEach(v -> names.add(v.path("name").asString("")));
        return names.toString();
    }

    private static void columns(JsonNode columns, String path, List<FieldError> errs) {
        for (int i = 0; i < columns.size(); i++) {
            JsonNode c = columns.get(i);
            String at = path + "[" + i + "]";
            if (c.path("name").asString("").isEmpty()) {
                errs.add(FieldError.required(at + ".name", ""));
            }
            String type = c.path("type").asString("");
            if (type.isEmpty()) {
                errs.add(FieldError.required(at + ".type", ""));
            } else if (!COLUMN_TYPES.contains(type)) {
                errs.add(FieldError.notSupported(at + ".type", type, COLUMN_TYPES));
            }
            String format = c.path("format").asString("");
            if (!format.isEmpty() && !COLUMN_FORMATS.contains(format)) {
                errs.add(FieldError.notSupported(at + ".format", format, COLUMN_FORMATS));
            }
            if (c.path("priority").asInt(0) < 0) {
                errs.add(FieldError.invalid(at + ".priority", c.path("priority").asInt(), "must be greater than or equal to 0"));
            }
            String jsonPath = c.path("jsonPath").asString("");
            StringBuilder why = new StringBuilder();
            if (jsonPath.isEmpty()) {
                errs.add(FieldError.required(at + ".jsonPath", ""));
            } else if (SimpleJsonPath.parse(jsonPath, why).isEmpty()) {
                errs.add(FieldError.invalid(at + ".jsonPath", jsonPath, "must be a simple json path as understood by the kubectl CLI: " + why));
            }
        }
    }

    private static void scale(JsonNode scale, String path, List<FieldError> errs) {
        if (!scale.isObject()) {
            return;
        }
        String spec = scale.path("specReplicasPath").asString("");
        if (spec.isEmpty()) {
            errs.add(FieldError.required(path + ".specReplicasPath", ""));
        } else if (!simpleUnder(spec, ".spec.")) {
            errs.add(FieldError.invalid(path + ".specReplicasPath", spec, "should be a json path under .spec"));
        }
        String status = scale.path("statusReplicasPath").asString("");
        if (status.isEmpty()) {
            errs.add(FieldError.required(path + ".statusReplicasPath", ""));
        } else if (!simpleUnder(status, ".status.")) {
            errs.add(FieldError.invalid(path + ".statusReplicasPath", status, "should be a json path under .status"));
        }
        String selector = scale.path("labelSelectorPath").asString("");
        if (!selector.isEmpty() && !simpleUnder(selector, ".spec.") && !simpleUnder(selector, ".status.")) {
            errs.add(FieldError.invalid(path + ".labelSelectorPath", selector, "should be a json path under either .spec or .status"));
        }
    }

    /** A dotted path of plain field names below {@code prefix}, as kube's scale paths must be. */
    private static boolean simpleUnder(String path, String prefix) {
        return path.startsWith(prefix) && path.length() > prefix.length() && !path.contains("[") && !path.contains("..")
                && !path.endsWith(".");
    }
}
