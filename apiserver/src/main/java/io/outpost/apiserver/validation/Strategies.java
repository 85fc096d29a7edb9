package io.outpost.apiserver.validation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.outpost.api.GroupVersionKind;

/**
 * The explicit map of kind to {@link KindStrategy}, built in one place; a kind without an entry
 * gets {@link #METADATA_ONLY} (object metadata checked, names as DNS subdomains, no defaults).
 *
 * <p>Thread model: immutable once built.
 */
public final class Strategies {

    /** For kinds whose spec Outpost does not check yet. */
    public static final KindStrategy METADATA_ONLY = new KindStrategy() {
    };

    private final Map<GroupVersionKind, KindStrategy> byKind;

    private Strategies(Map<GroupVersionKind, KindStrategy> byKind) {
        this.byKind = Collections.unmodifiableMap(byKind);
    }

    /** The built-in kinds' strategies. */
    public static Strategies builtIns() {
        Map<GroupVersionKind, KindStrategy> m = new LinkedHashMap<>();
        put(m, "", "Pod", new PodValidation());
        put(m, "", "Service", new ServiceValidation());
        put(m, "", "ConfigMap", new ConfigMapValidation());
        put(m, "", "Secret", new SecretValidation());
        put(m, "", "Namespace", new NamespaceValidation());
        put(m, "", "Node", new NodeValidation());
        put(m, "", "Event", new EventValidation());
        put(m, "apps", "Deployment", new DeploymentValidation());
        put(m, "apps", "ReplicaSet", new ReplicaSetValidation());
        put(m, "apps", "StatefulSet", new StatefulSetValidation());
        put(m, "apps", "DaemonSet", new DaemonSetValidation());
        put(m, "batch", "Job", new JobValidation());
        put(m, "batch", "CronJob", new CronJobValidation());
        put(m, "coordination.k8s.io", "Lease", new LeaseValidation());
        put(m, "admissionregistration.k8s.io", "ValidatingAdmissionPolicy",
                new io.outpost.apiserver.admission.policy.PolicyValidation());
        put(m, "admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding",
                new io.outpost.apiserver.admission.policy.BindingValidation());
        return new Strategies(m);
    }

    public KindStrategy forKind(GroupVersionKind kind) {
        return byKind.getOrDefault(kind, METADATA_ONLY);
    }

    private static void put(Map<GroupVersionKind, KindStrategy> m, String group, String kind, KindStrategy strategy) {
        GroupVersionKind gvk = new GroupVersionKind(group, "v1", kind);
        if (m.putIfAbsent(gvk, strategy) != null) {
            throw new IllegalStateException("kind " + gvk + " has two strategies");
        }
    }
}
