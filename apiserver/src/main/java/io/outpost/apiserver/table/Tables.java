package io.outpost.apiserver.table;

import java.util.HashMap;
import java.util.Map;

import io.outpost.api.GroupVersionKind;

/**
 * The table convertor of each built-in kind, an explicit map built here (a duplicate is a
 * programming error and fails class initialisation). Kinds without a kube printer (Roles,
 * ClusterRoles, custom resources, ...) get kube's default NAME / CREATED AT table. Printers
 * depend on the group and kind, not the version: every served version prints alike.
 *
 * <p>Thread model: immutable after class initialisation; safe from any thread.
 */
public final class Tables {

    private record GroupKind(String group, String kind) {
    }

    private static final Map<GroupKind, TableConvertor> CONVERTORS = build();

    private Tables() {
    }

    /** The convertor for a kind; the default convertor for a kind without a printer. */
    public static TableConvertor forKind(GroupVersionKind kind) {
        return CONVERTORS.getOrDefault(new GroupKind(kind.group(), kind.kind()), DefaultConvertor.INSTANCE);
    }

    private static Map<GroupKind, TableConvertor> build() {
        Map<GroupKind, TableConvertor> map = new HashMap<>();
        put(map, "", "Pod", new PodConvertor());
        put(map, "", "Node", new NodeConvertor());
        put(map, "", "Namespace", CoreConvertors.NAMESPACES);
        put(map, "", "ConfigMap", CoreConvertors.CONFIG_MAPS);
        put(map, "", "Secret", CoreConvertors.SECRETS);
        put(map, "", "Service", new ServiceConvertor());
        put(map, "", "ServiceAccount", CoreConvertors.SERVICE_ACCOUNTS);
        put(map, "", "Endpoints", CoreConvertors.ENDPOINTS);
        put(map, "", "Event", new EventConvertor(false));
        put(map, "events.k8s.io", "Event", new EventConvertor(true));
        put(map, "apps", "Deployment", AppsConvertors.DEPLOYMENTS);
        put(map, "apps", "ReplicaSet", AppsConvertors.REPLICA_SETS);
        put(map, "apps", "DaemonSet", AppsConvertors.DAEMON_SETS);
        put(map, "apps", "StatefulSet", AppsConvertors.STATEFUL_SETS);
        put(map, "apps", "ControllerRevision", AppsConvertors.CONTROLLER_REVISIONS);
        put(map, "batch", "Job", BatchConvertors.JOBS);
        put(map, "batch", "CronJob", BatchConvertors.CRON_JOBS);
        put(map, "certificates.k8s.io", "CertificateSigningRequest", OtherConvertors.CERTIFICATE_SIGNING_REQUESTS);
        put(map, "coordination.k8s.io", "Lease", OtherConvertors.LEASES);
        put(map, "scheduling.k8s.io", "PriorityClass", OtherConvertors.PRIORITY_CLASSES);
        put(map, "discovery.k8s.io", "EndpointSlice", OtherConvertors.ENDPOINT_SLICES);
        put(map, "admissionregistration.k8s.io", "ValidatingAdmissionPolicy", AdmissionConvertors.POLICIES);
        put(map, "admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding", AdmissionConvertors.BINDINGS);
        put(map, "networking.k8s.io", "NetworkPolicy", OtherConvertors.NETWORK_POLICIES);
        put(map, "rbac.authorization.k8s.io", "RoleBinding", OtherConvertors.ROLE_BINDINGS);
        put(map, "rbac.authorization.k8s.io", "ClusterRoleBinding", OtherConvertors.CLUSTER_ROLE_BINDINGS);
        return Map.copyOf(map);
    }

    private static void put(Map<GroupKind, TableConvertor> map, String group, String kind, TableConvertor convertor) {
        if (map.putIfAbsent(new GroupKind(group, kind), convertor) != null) {
            throw new IllegalStateException("two table convertors for " + group + "/" + kind);
        }
    }
}
