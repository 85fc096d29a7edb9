package io.outpost.apiserver.crd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.outpost.api.GroupVersionKind;
import io.outpost.api.ResourceType;
import io.outpost.api.Scope;
import io.outpost.api.Subresource;
import io.outpost.apiserver.catalog.CustomKind;
import io.outpost.apiserver.table.CustomColumnsConvertor;
import io.outpost.apiserver.table.SimpleJsonPath;
import tools.jackson.databind.JsonNode;

/**
 * What a valid CustomResourceDefinition serves: one {@link CustomKind} per served version, in
 * kube's version priority order (GA before beta before alpha, higher numbers first), which is
 * the order discovery lists them and so the first is the preferred version.
 *
 * <p>Stateless.
 */
final class CustomKinds {

    static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    static final List<String> SUBRESOURCE_VERBS = List.of("get", "patch", "update");
    private static final GroupVersionKind SCALE = new GroupVersionKind("autoscaling", "v1", "Scale");
    private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

    private CustomKinds() {
    }

    /** The served versions of a CRD that passed validation. */
    static List<CustomKind> of(JsonNode crd, CrdSchemas schemas) {
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asString("");
        JsonNode names = spec.path("names");
        String kind = names.path("kind").asString("");
        String plural = names.path("plural").asString("");
        String singular = names.path("singular").asString(kind.toLowerCase(Locale.ROOT));
        List<String> shortNames = strings(names.path("shortNames"));
        List<String> categories = strings(names.path("categories"));
        Scope scope = spec.path("scope").asString("").equals("Cluster") ? Scope.CLUSTER : Scope.NAMESPACED;
        String crdName = crd.path("metadata").path("name").asString("");
        List<JsonNode> versions = new ArrayList<>();
        spec.path("versions").forEach(versions::add);
        versions.sort(Comparator.comparing((JsonNode v) -> v.path("name").asString(""), CustomKinds::compareVersions));
        List<CustomKind> kinds = new ArrayList<>();
        for (JsonNode v : versions) {
            if (!v.path("served").asBoolean(false)) {
                continue;
            }
            GroupVersionKind gvk = new GroupVersionKind(group, v.path("name").asString(""), kind);
            List<Subresource> subresources = new ArrayList<>();
            JsonNode sub = v.path("subresources");
            if (sub.has("status")) {
                subresources.add(new Subresource("status", gvk, SUBRESOURCE_VERBS));
            }
            CustomKind.ScalePaths scale = null;
            if (sub.path("scale").isObject()) {
                JsonNode s = sub.path("scale");
                subresources.add(new Subresource("scale", SCALE, SUBRESOURCE_VERBS));
                scale = new CustomKind.ScalePaths(s.path("specReplicasPath").asString(""), s.path("statusReplicasPath").asString(""),
                        s.hasNonNull("labelSelectorPath") ? s.path("labelSelectorPath").asString() : null);
            }
            ResourceType type = new ResourceType(gvk, plural, singular, scope, shortNames, categories, VERBS, subresources);
            JsonNode schema = v.path("schema").get("openAPIV3Schema");
            CrdSchemas.VersionSchema compiled = schema == null ? null : schemas.compile(schema);
            kinds.add(new CustomKind(type, crdName, schema,
                    compiled == null ? new io.outpost.apiserver.validation.KindStrategy() { } : new CustomResourceStrategy(compiled),
                    new CustomColumnsConvertor(columns(v.path("additionalPrinterColumns"))), scale));
        }
        return kinds;
    }

    private static List<CustomColumnsConvertor.Definition> columns(JsonNode columns) {
        List<CustomColumnsConvertor.Definition> defs = new ArrayList<>();
        for (JsonNode c : columns) {
            String path = c.path("jsonPath").asString("");
            SimpleJsonPath parsed = SimpleJsonPath.parse(path, new StringBuilder()).orElse(null);
            if (parsed == null) {
                continue; // validation refused it; an old stored CRD may still have one
            }
            defs.add(new CustomColumnsConvertor.Definition(c.path("name").asString(""), c.path("type").asString("string"),
                    c.path("format").asString(""), c.path("description").asString(""), c.path("priority").asInt(0), path, parsed));
        }
        return defs;
    }

    /** kube's {@code version.CompareKubeAwareVersionStrings}, as a sort order: the higher priority first. */
    static int compareVersions(String a, String b) {
        return Long.compare(priority(b), priority(a)) != 0 ? Long.compare(priority(b), priority(a)) : a.compareTo(b);
    }

    private static long priority(String v) {
        Matcher m = KUBE_VERSION.matcher(v);
        if (!m.matches()) {
            return Long.MIN_VALUE; // not kube-like: after all kube-like versions, alphabetically
        }
        long major = Long.parseLong(m.group(1));
        long stage = m.group(2) == null ? 3 : m.group(2).equals("beta") ? 2 : 1;
        long minor = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
        return stage * 1_000_000_000_000L + major * 1_000_000L + minor;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString("")));
        return out;
    }
}
