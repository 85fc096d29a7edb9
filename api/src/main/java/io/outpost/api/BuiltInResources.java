package io.outpost.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one place the built-in resources are registered, with kube-apiserver's names, short
 * names, categories, verbs, scopes and subresources (as {@code kubectl api-resources -o wide}
 * shows them on Kubernetes 1.33). A subresource is listed only once Outpost serves it.
 *
 * <p>Thread model: stateless; {@link #register} runs once per {@link ResourceTypes#builtIns()}.
 */
final class BuiltInResources {

    /** What kube-apiserver serves on an ordinary stored resource, in its (sorted) order. */
    static final List<String> CRUD = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    /** Namespaces have no deletecollection: deleting many namespaces at once is refused by design. */
    static final List<String> CRUD_NO_COLLECTION = List.of("create", "delete", "get", "list", "patch", "update", "watch");
    static final List<String> GET_PATCH_UPDATE = List.of("get", "patch", "update");
    static final List<String> CREATE = List.of("create");

    private static final GroupVersionKind SCALE = new GroupVersionKind("autoscaling", "v1", "Scale");
    private static final GroupVersionKind BINDING = new GroupVersionKind("", "v1", "Binding");

    private BuiltInResources() {
    }

    /** Adds every built-in resource, core group first, then the groups in kube-apiserver's order. */
    static ResourceTypes.Builder register(ResourceTypes.Builder b) {
        // core/v1
        // namespaces/finalize: the namespace controller removes its "kubernetes" finalizer there.
        b.add(stored("", "v1", "Namespace", Scope.CLUSTER).shortNames("ns").verbs(CRUD_NO_COLLECTION).status()
                .subresource("finalize", new GroupVersionKind("", "v1", "Namespace"), List.of("update")).build());
        b.add(stored("", "v1", "Pod", Scope.NAMESPACED).shortNames("po").categories("all").status()
                .subresource("binding", BINDING, CREATE).build());
        b.add(stored("", "v1", "Node", Scope.CLUSTER).shortNames("no").status().build());
        b.add(stored("", "v1", "ConfigMap", Scope.NAMESPACED).shortNames("cm").build());
        b.add(stored("", "v1", "Secret", Scope.NAMESPACED).build());
        b.add(stored("", "v1", "Service", Scope.NAMESPACED).shortNames("svc").categories("all").status().build());
        // serviceaccounts/token: TokenRequest (io.outpost.apiserver.serviceaccount.TokenRequests).
        b.add(stored("", "v1", "ServiceAccount", Scope.NAMESPACED).shortNames("sa")
                .subresource("token", new GroupVersionKind("authentication.k8s.io", "v1", "TokenRequest"), CREATE).build());
        b.add(stored("", "v1", "Event", Scope.NAMESPACED).shortNames("ev").build());
        b.add(stored("", "v1", "Endpoints", Scope.NAMESPACED).plural("endpoints").singular("endpoints").shortNames("ep").build());
        // apps/v1
        b.add(stored("apps", "v1", "Deployment", Scope.NAMESPACED).shortNames("deploy").categories("all").status().scale().build());
        b.add(stored("apps", "v1", "ReplicaSet", Scope.NAMESPACED).shortNames("rs").categories("all").status().scale().build());
        b.add(stored("apps", "v1", "DaemonSet", Scope.NAMESPACED).shortNames("ds").categories("all").status().build());
        b.add(stored("apps", "v1", "StatefulSet", Scope.NAMESPACED).shortNames("sts").categories("all").status().scale().build());
        // the history DaemonSets and StatefulSets keep of their templates (kubectl rollout history/undo)
        b.add(stored("apps", "v1", "ControllerRevision", Scope.NAMESPACED).build());
        // events.k8s.io/v1: the same events as core/v1 in the newer schema
        b.add(stored("events.k8s.io", "v1", "Event", Scope.NAMESPACED).shortNames("ev").build());
        // authentication.k8s.io/v1 and authorization.k8s.io/v1: computed answers, never stored
        b.add(review("authentication.k8s.io", "SelfSubjectReview"));
        b.add(review("authorization.k8s.io", "SelfSubjectAccessReview"));
        b.add(review("authorization.k8s.io", "SelfSubjectRulesReview"));
        // batch/v1
        b.add(stored("batch", "v1", "Job", Scope.NAMESPACED).categories("all").status().build());
        b.add(stored("batch", "v1", "CronJob", Scope.NAMESPACED).shortNames("cj").categories("all").status().build());
        // certificates.k8s.io/v1: status (the signer's certificate) and approval (kubectl certificate approve|deny)
        b.add(stored("certificates.k8s.io", "v1", "CertificateSigningRequest", Scope.CLUSTER).shortNames("csr").status()
                .subresource("approval", new GroupVersionKind("certificates.k8s.io", "v1", "CertificateSigningRequest"),
                        GET_PATCH_UPDATE).build());
        // networking.k8s.io/v1
        b.add(stored("networking.k8s.io", "v1", "NetworkPolicy", Scope.NAMESPACED).plural("networkpolicies").shortNames("netpol").build());
        // rbac.authorization.k8s.io/v1
        b.add(stored("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", Scope.CLUSTER).build());
        b.add(stored("rbac.authorization.k8s.io", "v1", "ClusterRole", Scope.CLUSTER).build());
        b.add(stored("rbac.authorization.k8s.io", "v1", "RoleBinding", Scope.NAMESPACED).build());
        b.add(stored("rbac.authorization.k8s.io", "v1", "Role", Scope.NAMESPACED).build());
        // admissionregistration.k8s.io/v1 (kube-apiserver lists it after rbac)
        b.add(stored("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", Scope.CLUSTER)
                .plural("validatingadmissionpolicies").categories("api-extensions").status().build());
        b.add(stored("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", Scope.CLUSTER)
                .categories("api-extensions").build());
        // apiextensions.k8s.io/v1: the definitions of custom resources, served once established
        b.add(stored("apiextensions.k8s.io", "v1", "CustomResourceDefinition", Scope.CLUSTER)
                .shortNames("crd", "crds").categories("api-extensions").status().build());
        // scheduling.k8s.io/v1 (kube-apiserver lists it before coordination)
        b.add(stored("scheduling.k8s.io", "v1", "PriorityClass", Scope.CLUSTER).plural("priorityclasses")
                .shortNames("pc").build());
        // coordination.k8s.io/v1
        b.add(stored("coordination.k8s.io", "v1", "Lease", Scope.NAMESPACED).build());
        // discovery.k8s.io/v1
        b.add(stored("discovery.k8s.io", "v1", "EndpointSlice", Scope.NAMESPACED).build());
        return b;
    }

    private static ResourceType review(String group, String kind) {
        return new Spec(new GroupVersionKind(group, "v1", kind), Scope.CLUSTER, false).verbs(CREATE).build();
    }

    private static Spec stored(String group, String version, String kind, Scope scope) {
        return new Spec(new GroupVersionKind(group, version, kind), scope, true);
    }

    /** One entry under construction; plural and singular default to the lower-case kind (+s). */
    private static final class Spec {
        private final GroupVersionKind kind;
        private final Scope scope;
        private final boolean stored;
        private String plural;
        private String singular;
        private List<String> shortNames = List.of();
        private List<String> categories = List.of();
        private List<String> verbs = CRUD;
        private final List<Subresource> subresources = new ArrayList<>();

        Spec(GroupVersionKind kind, Scope scope, boolean stored) {
            this.kind = kind;
            this.scope = scope;
            this.stored = stored;
            this.singular = kind.kind().toLowerCase(Locale.ROOT);
            this.plural = singular + "s";
        }

        Spec plural(String value) {
            plural = value;
            return this;
        }

        Spec singular(String value) {
            singular = value;
            return this;
        }

        Spec shortNames(String... values) {
            shortNames = List.of(values);
            return this;
        }

        Spec categories(String... values) {
            categories = List.of(values);
            return this;
        }

        Spec verbs(List<String> values) {
            verbs = values;
            return this;
        }

        /** {@code <plural>/status}: answers the whole object; writes only its status. */
        Spec status() {
            return subresource("status", kind, GET_PATCH_UPDATE);
        }

        /** {@code <plural>/scale}: an {@code autoscaling/v1 Scale} view of the replicas (kubectl scale). */
        Spec scale() {
            return subresource("scale", SCALE, GET_PATCH_UPDATE);
        }

        Spec subresource(String name, GroupVersionKind responseKind, List<String> subVerbs) {
            subresources.add(new Subresource(name, responseKind, subVerbs));
            return this;
        }

        ResourceType build() {
            return new ResourceType(kind, plural, singular, scope, shortNames, categories, verbs, subresources, stored);
        }
    }
}
