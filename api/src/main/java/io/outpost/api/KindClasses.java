package io.outpost.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/**
 * The fabric8 kubernetes-model class of each kind Outpost decodes: every built-in resource's
 * kind and the response kinds of its subresources ({@code Scale}, {@code Binding}). Kept apart
 * from {@link ResourceType} so that the descriptor stays a plain value; a test checks that each
 * class's own group, version and kind annotations agree with this table.
 *
 * <p>Thread model: immutable; share it freely.
 */
public final class KindClasses {

    private static final Map<GroupVersionKind, Class<? extends HasMetadata>> CLASSES = build();

    private KindClasses() {
    }

    /** The class of a kind, if Outpost has a typed model for it. */
    public static Optional<Class<? extends HasMetadata>> of(GroupVersionKind kind) {
        return Optional.ofNullable(CLASSES.get(kind));
    }

    /** Every kind with a class. */
    public static Map<GroupVersionKind, Class<? extends HasMetadata>> all() {
        return CLASSES;
    }

    private static Map<GroupVersionKind, Class<? extends HasMetadata>> build() {
        Map<GroupVersionKind, Class<? extends HasMetadata>> m = new LinkedHashMap<>();
        put(m, "", "v1", Namespace.class);
        put(m, "", "v1", Pod.class);
        put(m, "", "v1", Binding.class);
        put(m, "", "v1", Node.class);
        put(m, "", "v1", ConfigMap.class);
        put(m, "", "v1", Secret.class);
        put(m, "", "v1", Service.class);
        put(m, "", "v1", ServiceAccount.class);
        put(m, "", "v1", Event.class);
        put(m, "", "v1", Endpoints.class);
        put(m, "apps", "v1", Deployment.class);
        put(m, "apps", "v1", ReplicaSet.class);
        put(m, "apps", "v1", DaemonSet.class);
        put(m, "apps", "v1", StatefulSet.class);
        put(m, "apps", "v1", ControllerRevision.class);
        put(m, "autoscaling", "v1", Scale.class);
        put(m, "authentication.k8s.io", "v1", io.fabric8.kubernetes.api.model.authentication.TokenRequest.class);
        put(m, "events.k8s.io", "v1", io.fabric8.kubernetes.api.model.events.v1.Event.class);
        put(m, "authentication.k8s.io", "v1", SelfSubjectReview.class);
        put(m, "authorization.k8s.io", "v1", SelfSubjectAccessReview.class);
        put(m, "authorization.k8s.io", "v1", SelfSubjectRulesReview.class);
        put(m, "batch", "v1", Job.class);
        put(m, "batch", "v1", CronJob.class);
        put(m, "networking.k8s.io", "v1", NetworkPolicy.class);
        put(m, "rbac.authorization.k8s.io", "v1", ClusterRoleBinding.class);
        put(m, "rbac.authorization.k8s.io", "v1", ClusterRole.class);
        put(m, "rbac.authorization.k8s.io", "v1", RoleBinding.class);
        put(m, "rbac.authorization.k8s.io", "v1", Role.class);
        put(m, "scheduling.k8s.io", "v1", io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass.class);
        put(m, "certificates.k8s.io", "v1", io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest.class);
        put(m, "coordination.k8s.io", "v1", Lease.class);
        put(m, "discovery.k8s.io", "v1", EndpointSlice.class);
        put(m, "admissionregistration.k8s.io", "v1",
                io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy.class);
        put(m, "admissionregistration.k8s.io", "v1",
                io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding.class);
        put(m, "apiextensions.k8s.io", "v1", CustomResourceDefinition.class);
        return Collections.unmodifiableMap(m);
    }

    private static void put(Map<GroupVersionKind, Class<? extends HasMetadata>> m, String group, String version,
                            Class<? extends HasMetadata> type) {
        GroupVersionKind kind = new GroupVersionKind(group, version, type.getSimpleName());
        if (m.putIfAbsent(kind, type) != null) {
            throw new IllegalStateException("kind " + kind + " has two classes");
        }
    }
}
