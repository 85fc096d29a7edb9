package io.outpost.apiserver.validation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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
    private final Function<GroupVersionKind, Optional<KindStrategy>> more;

    private Strategies(Map<GroupVersionKind, KindStrategy> byKind, Function<GroupVersionKind, Optional<KindStrategy>> more) {
        this.byKind = Collections.unmodifiableMap(byKind);
        this.more = more;
    }

    /**
     * These strategies, then {@code more} for a kind without one: the kinds that come and go
     * at run time (custom resources) and those built by another package (CustomResourceDefinition).
     */
    public Strategies withMore(Function<GroupVersionKind, Optional<KindStrategy>> more) {
        return new Strategies(byKind, kind -> this.more.apply(kind).or(() -> more.apply(kind)));
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
        put(m, "apps", "ControllerRevision", new ControllerRevisionValidation());
        put(m, "batch", "Job", new JobValidation());
        put(m, "batch", "CronJob", new CronJobValidation());
        put(m, "certificates.k8s.io", "CertificateSigningRequest", new CertificateSigningRequestValidation());
        put(m, "coordination.k8s.io", "Lease", new LeaseValidation());
        put(m, "scheduling.k8s.io", "PriorityClass", new PriorityClassValidation());
        put(m, "admissionregistration.k8s.io", "ValidatingAdmissionPolicy",
                new io.outpost.apiserver.admission.policy.PolicyValidation());
        put(m, "admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding",
                new io.outpost.apiserver.admission.policy.BindingValidation());
        return new Strategies(m, kind -> Optional.empty());

    }

    public KindStrategy forKind(GroupVersionKind kind) {
        KindStrategy strategy = byKind.get(kind);
        return strategy != null ? strategy : more.apply(kind).orElse(METADATA_ONLY);
    }

    private static void put(Map<GroupVersionKind, KindStrategy> m, String group, String kind, KindStrategy strategy) {
        GroupVersionKind gvk = new GroupVersionKind(group, "v1", kind);
        if (m.putIfAbsent(gvk, strategy) != null) {
            throw new IllegalStateException("kind " + gvk + " has two strategies");
        }
    }
}
