package io.outpost.apiserver.patch;

import static io.outpost.apiserver.patch.PatchStrategies.Field.atomic;
import static io.outpost.apiserver.patch.PatchStrategies.Field.mergeByKey;
import static io.outpost.apiserver.patch.PatchStrategies.Field.mergeByKeyRetainingKeys;
import static io.outpost.apiserver.patch.PatchStrategies.Field.mergeScalars;
import static io.outpost.apiserver.patch.PatchStrategies.Field.retainingKeys;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The strategic merge patch table of the built-in kinds Outpost serves: every field that is not
 * "objects merge, lists are replaced", copied from the {@code patchStrategy}/{@code patchMergeKey}
 * tags of kube's Go types ({@code k8s.io/api} core/v1, apps/v1, batch/v1 and metav1.ObjectMeta).
 * One explicit table, built once; kinds not named here (leases, events, endpoints, endpointslices,
 * networkpolicies, RBAC) have only ObjectMeta's entries, because their lists are all atomic in
 * kube.
 *
 * <p>Worth knowing, because it surprises: pod {@code tolerations}, node {@code taints}, a
 * container's {@code envFrom} and {@code args}, and a pod's {@code readinessGates} have no
 * strategy in kube, so a patch replaces them whole. A service's ports merge on {@code port} alone
 * (kube's tag; its list-map key adds protocol only for server-side apply).
 *
 * <p>Immutable and stateless; safe from any thread.
 */
public final class BuiltinPatchStrategies {

    private static final Map<String, PatchStrategies> BY_KIND = Map.ofEntries(
            kind("", "Pod", b -> {
                podSpec(b, "spec");
                podStatus(b, "status");
            }),
            kind("", "PodTemplate", b -> podSpec(b, "template.spec")),
            kind("", "ReplicationController", b -> {
                podSpec(b, "spec.template.spec");
                b.put("status.conditions", mergeByKey("type"));
            }),
            kind("", "Node", b -> b
                    .put("spec.podCIDRs", mergeScalars())
                    .put("spec.taints", atomic())
                    .put("status.conditions", mergeByKey("type"))
                    .put("status.addresses", mergeByKey("type"))),
            kind("", "Service", b -> b
                    .put("spec.ports", mergeByKey("port"))
                    .put("status.conditions", mergeByKey("type"))),
            kind("", "Namespace", b -> b.put("status.conditions", mergeByKey("type"))),
            kind("", "ServiceAccount", b -> b.put("secrets", mergeByKey("name"))),
            kind("", "PersistentVolumeClaim", b -> b.put("status.conditions", mergeByKey("type"))),
            kind("", "ConfigMap", b -> { }),
            kind("", "Secret", b -> { }),
            kind("apps", "Deployment", b -> {
                b.put("spec.strategy", retainingKeys());
                podSpec(b, "spec.template.spec");
                b.put("status.conditions", mergeByKey("type"));
            }),
            kind("apps", "ReplicaSet", b -> {
                podSpec(b, "spec.template.spec");
                b.put("status.conditions", mergeByKey("type"));
            }),
            kind("apps", "StatefulSet", b -> {
                podSpec(b, "spec.template.spec");
                b.put("status.conditions", mergeByKey("type"));
            }),
            kind("apps", "DaemonSet", b -> {
                podSpec(b, "spec.template.spec");
                b.put("status.conditions", mergeByKey("type"));
            }),
            kind("batch", "Job", b -> {
                podSpec(b, "spec.template.spec");
                b.put("status.conditions", mergeByKey("type"));
            }),
            kind("batch", "CronJob", b -> podSpec(b, "spec.jobTemplate.spec.template.spec")));

    private BuiltinPatchStrategies() {
    }

    /**
     * The table of a built-in kind ({@code group} is "" for core), or ObjectMeta's entries alone
     * for any other kind.
     */
    public static PatchStrategies forKind(String group, String kind) {
        PatchStrategies strategies = BY_KIND.get(key(group, kind));
        return strategies != null ? strategies : ObjectMetaOnly.TABLE;
    }

    /** metav1.ObjectMeta, the same in every kind. */
    private static void objectMeta(PatchStrategies.Builder b) {
        b.put("metadata.ownerReferences", mergeByKey("uid"));
        b.put("metadata.finalizers", mergeScalars());
    }

    /** core/v1 PodSpec mounted at {@code at} (a pod's {@code spec}, a template's {@code template.spec}). */
    private static void podSpec(PatchStrategies.Builder b, String at) {
        b.put(at + ".volumes", mergeByKeyRetainingKeys("name"));
        for (String containers : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
            String c = at + "." + containers;
            b.put(c, mergeByKey("name"));
            b.put(c + ".ports", mergeByKey("containerPort"));
            b.put(c + ".env", mergeByKey("name"));
            b.put(c + ".volumeMounts", mergeByKey("mountPath"));
            b.put(c + ".volumeDevices", mergeByKey("devicePath"));
        }
        b.put(at + ".imagePullSecrets", mergeByKey("name"));
        b.put(at + ".hostAliases", mergeByKey("ip"));
        b.put(at + ".topologySpreadConstraints", mergeByKey("topologyKey"));
        b.put(at + ".schedulingGates", mergeByKey("name"));
        b.put(at + ".resourceClaims", mergeByKeyRetainingKeys("name"));
        b.put(at + ".tolerations", atomic());
    }

    /** core/v1 PodStatus. */
    private static void podStatus(PatchStrategies.Builder b, String at) {
        b.put(at + ".conditions", mergeByKey("type"));
        b.put(at + ".podIPs", mergeByKey("ip"));
        b.put(at + ".hostIPs", mergeByKey("ip"));
        b.put(at + ".resourceClaimStatuses", mergeByKeyRetainingKeys("name"));
    }

    private static Map.Entry<String, PatchStrategies> kind(String group, String kind, Consumer<PatchStrategies.Builder> fields) {
        PatchStrategies.Builder b = PatchStrategies.builder();
        objectMeta(b);
        fields.accept(b);
        return Map.entry(key(group, kind), b.build());
    }

    private static String key(String group, String kind) {
        return group + "/" + kind;
    }

    /** Built lazily apart from BY_KIND so that {@link #forKind} never sees a half-built table. */
    private static final class ObjectMetaOnly {
        static final PatchStrategies TABLE = build();

        private static PatchStrategies build() {
            PatchStrategies.Builder b = PatchStrategies.builder();
            objectMeta(b);
            return b.build();
        }
    }
}
