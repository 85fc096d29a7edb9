package io.outpost.apiserver.openapi;

import java.util.Set;

/**
 * The name kube's OpenAPI gives the schema of a fabric8 model class: its Go package path and type
 * name, {@code io.k8s.api.core.v1.Pod}, {@code io.k8s.api.apps.v1.Deployment},
 * {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}. fabric8 keeps core/v1 and the meta/v1
 * types in one Java package, so the meta types are named here one by one.
 *
 * <p>Stateless.
 */
final class SchemaNames {

    static final String FABRIC8 = "io.fabric8.kubernetes.api.model";
    static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
    private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";

    /** metav1 types that fabric8 keeps beside core/v1's ({@code k8s.io/apimachinery/pkg/apis/meta/v1}). */
    private static final Set<String> META_TYPES = Set.of("ObjectMeta", "ListMeta", "LabelSelector",
            "LabelSelectorRequirement", "OwnerReference", "ManagedFieldsEntry", "FieldsV1", "Condition", "Status",
            "StatusDetails", "StatusCause", "DeleteOptions", "Preconditions", "MicroTime", "Time", "Patch",
            "APIResource", "APIResourceList", "APIGroup", "APIGroupList", "APIVersions", "GroupVersionForDiscovery",
            "ServerAddressByClientCIDR", "WatchEvent");

    private SchemaNames() {
    }

    /** True for the classes of the Kubernetes model (the ones that become schemas of their own). */
    static boolean isModel(Class<?> type) {
        return type.getName().startsWith(FABRIC8 + ".") && !type.isEnum();
    }

    /** kube's schema name of a model class. */
    static String of(Class<?> type) {
        String simple = type.getSimpleName();
        String pkg = type.getPackageName();
        if (pkg.equals(FABRIC8)) {
            return switch (simple) {
                case "IntOrString" -> INT_OR_STRING;
                case "Quantity" -> QUANTITY;
                default -> META_TYPES.contains(simple) ? META + simple : "io.k8s.api.core.v1." + simple;
            };
        }
        // io.fabric8.kubernetes.api.model.<group>[.<version>]: fabric8 leaves out v1 for some groups (apps, rbac).
        String rest = pkg.substring(FABRIC8.length() + 1);
        int dot = rest.lastIndexOf('.');
        String last = dot < 0 ? rest : rest.substring(dot + 1);
        boolean versioned = last.matches("v\\d+((alpha|beta)\\d+)?");
        String group = versioned ? rest.substring(0, Math.max(dot, 0)) : rest;
        String version = versioned ? last : "v1";
        if (group.equals("apiextensions")) {
            return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions." + version + "." + simple; // kube's name: not under io.k8s.api
        }
        return "io.k8s.api." + group + "." + version + "." + simple;
    }

    static String meta(String simple) {
        return META + simple;
    }
}
