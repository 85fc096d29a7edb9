package io.outpost.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ResourceTypesTest {

    private static final ResourceTypes TYPES = ResourceTypes.builtIns();

    /** One row of {@code kubectl api-resources -o wide} on Kubernetes 1.33. */
    record Row(String name, String group, String plural, String kind, List<String> shortNames, boolean namespaced,
               List<String> categories, List<String> verbs, List<String> subresources) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<String> CRUD = BuiltInResources.CRUD;

    static Stream<Row> kubectlApiResources() {
        return Stream.of(
                new Row("Namespaces are cluster-scoped, have no deletecollection, and have status and finalize", "", "namespaces",
                        "Namespace", List.of("ns"), false, List.of(), List.of("create", "delete", "get", "list", "patch", "update", "watch"),
                        List.of("status", "finalize")),
                new Row("Pods are in the all category, with status and binding", "", "pods", "Pod", List.of("po"), true,
                        List.of("all"), CRUD, List.of("status", "binding")),
                new Row("Nodes are cluster-scoped with a status", "", "nodes", "Node", List.of("no"), false,
                        List.of(), CRUD, List.of("status")),
                new Row("ConfigMaps are cm", "", "configmaps", "ConfigMap", List.of("cm"), true, List.of(), CRUD, List.of()),
                new Row("Secrets have no short name", "", "secrets", "Secret", List.of(), true, List.of(), CRUD, List.of()),
                new Row("Services are svc in all, with a status", "", "services", "Service", List.of("svc"), true,
                        List.of("all"), CRUD, List.of("status")),
                new Row("ServiceAccounts are sa, with a token subresource", "", "serviceaccounts", "ServiceAccount", List.of("sa"), true, List.of(),
                        CRUD, List.of("token")),
                new Row("Core events are ev", "", "events", "Event", List.of("ev"), true, List.of(), CRUD, List.of()),
                new Row("Endpoints are ep", "", "endpoints", "Endpoints", List.of("ep"), true, List.of(), CRUD, List.of()),
                new Row("Deployments are deploy in all, with status and scale", "apps", "deployments", "Deployment", List.of("deploy"), true,
                        List.of("all"), CRUD, List.of("status", "scale")),
                new Row("ReplicaSets are rs in all, with status and scale", "apps", "replicasets", "ReplicaSet", List.of("rs"), true,
                        List.of("all"), CRUD, List.of("status", "scale")),
                new Row("DaemonSets are ds in all, with a status", "apps", "daemonsets", "DaemonSet", List.of("ds"), true,
                        List.of("all"), CRUD, List.of("status")),
                new Row("StatefulSets are sts in all, with status and scale", "apps", "statefulsets", "StatefulSet", List.of("sts"), true,
                        List.of("all"), CRUD, List.of("status", "scale")),
                new Row("ControllerRevisions have no short name, category or subresource", "apps", "controllerrevisions",
                        "ControllerRevision", List.of(), true, List.of(), CRUD, List.of()),
                new Row("Jobs are in all, with a status", "batch", "jobs", "Job", List.of(), true, List.of("all"), CRUD, List.of("status")),
                new Row("CronJobs are cj in all, with a status", "batch", "cronjobs", "CronJob", List.of("cj"), true,
                        List.of("all"), CRUD, List.of("status")),
                new Row("CustomResourceDefinitions are crd and crds, cluster-scoped, with a status", "apiextensions.k8s.io",
                        "customresourcedefinitions", "CustomResourceDefinition", List.of("crd", "crds"), false, List.of("api-extensions"),
                        CRUD, List.of("status")),
                new Row("PriorityClasses are pc, cluster-scoped", "scheduling.k8s.io", "priorityclasses", "PriorityClass",
                        List.of("pc"), false, List.of(), CRUD, List.of()),
                new Row("CertificateSigningRequests are csr, cluster-scoped, with status and approval", "certificates.k8s.io",
                        "certificatesigningrequests", "CertificateSigningRequest", List.of("csr"), false, List.of(), CRUD,
                        List.of("status", "approval")),
                new Row("Leases have no short name", "coordination.k8s.io", "leases", "Lease", List.of(), true, List.of(), CRUD, List.of()),
                new Row("events.k8s.io events are ev too", "events.k8s.io", "events", "Event", List.of("ev"), true, List.of(), CRUD, List.of()),
                new Row("EndpointSlices have no short name", "discovery.k8s.io", "endpointslices", "EndpointSlice", List.of(), true,
                        List.of(), CRUD, List.of()),
                new Row("NetworkPolicies are netpol", "networking.k8s.io", "networkpolicies", "NetworkPolicy", List.of("netpol"), true,
                        List.of(), CRUD, List.of()),
                new Row("Roles are namespaced", "rbac.authorization.k8s.io", "roles", "Role", List.of(), true, List.of(), CRUD, List.of()),
                new Row("RoleBindings are namespaced", "rbac.authorization.k8s.io", "rolebindings", "RoleBinding", List.of(), true,
                        List.of(), CRUD, List.of()),
                new Row("ClusterRoles are cluster-scoped", "rbac.authorization.k8s.io", "clusterroles", "ClusterRole", List.of(), false,
                        List.of(), CRUD, List.of()),
                new Row("ClusterRoleBindings are cluster-scoped", "rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding",
                        List.of(), false, List.of(), CRUD, List.of()),
                new Row("ValidatingAdmissionPolicies are cluster-scoped in api-extensions, with a status", "admissionregistration.k8s.io",
                        "validatingadmissionpolicies", "ValidatingAdmissionPolicy", List.of(), false, List.of("api-extensions"), CRUD,
                        List.of("status")),
                new Row("ValidatingAdmissionPolicyBindings are cluster-scoped in api-extensions", "admissionregistration.k8s.io",
                        "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", List.of(), false, List.of("api-extensions"),
                        CRUD, List.of()),
                new Row("SelfSubjectAccessReviews only take create", "authorization.k8s.io", "selfsubjectaccessreviews",
                        "SelfSubjectAccessReview", List.of(), false, List.of(), List.of("create"), List.of()),
                new Row("SelfSubjectRulesReviews only take create", "authorization.k8s.io", "selfsubjectrulesreviews",
                        "SelfSubjectRulesReview", List.of(), false, List.of(), List.of("create"), List.of()),
                new Row("SelfSubjectReviews only take create", "authentication.k8s.io", "selfsubjectreviews", "SelfSubjectReview",
                        List.of(), false, List.of(), List.of("create"), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubectlApiResources")
    void everyBuiltInResourceIsDescribedAsKubeApiServerDescribesIt(Row row) {
        ResourceType type = TYPES.lookup(row.group(), "v1", row.plural()).orElseThrow();

        assertThat(type.kind()).isEqualTo(new GroupVersionKind(row.group(), "v1", row.kind()));
        assertThat(type.shortNames()).isEqualTo(row.shortNames());
        assertThat(type.namespaced()).isEqualTo(row.namespaced());
        assertThat(type.categories()).isEqualTo(row.categories());
        assertThat(type.verbs()).isEqualTo(row.verbs());
        assertThat(type.subresources()).extracting(Subresource::name).isEqualTo(row.subresources());
        assertThat(type.stored()).isEqualTo(row.verbs().contains("get"));
    }

    @Test
    void theTableAboveCoversEveryRegisteredResource() {
        assertThat(TYPES.all()).hasSize((int) kubectlApiResources().count());
    }

    @Test
    void everyKindHasAFabric8ClassWhoseAnnotationsAgree() {
        for (ResourceType type : TYPES.all()) {
            List<GroupVersionKind> kinds = Stream.concat(Stream.of(type.kind()), type.subresources().stream().map(Subresource::responseKind)).toList();
            for (GroupVersionKind kind : kinds) {
                Class<? extends HasMetadata> c = KindClasses.of(kind).orElseThrow(() -> new AssertionError("no class for " + kind));
                assertThat(new GroupVersionKind(nullToEmpty(HasMetadata.getGroup(c)), HasMetadata.getVersion(c), HasMetadata.getKind(c)))
                        .as(c.getName()).isEqualTo(kind);
            }
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Test
    void scaleSubresourcesAnswerAnAutoscalingV1Scale() {
        Subresource scale = TYPES.lookup("apps", "v1", "deployments").orElseThrow().subresource("scale").orElseThrow();
        assertThat(scale.responseKind()).isEqualTo(new GroupVersionKind("autoscaling", "v1", "Scale"));
        assertThat(scale.verbs()).containsExactly("get", "patch", "update");
    }

    record NameCase(String description, String name, List<String> resolvesTo) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<NameCase> kubectlNames() {
        return Stream.of(
                new NameCase("A plural names its resource", "pods", List.of("v1 pods")),
                new NameCase("A short name names its resource", "deploy", List.of("apps/v1 deployments")),
                new NameCase("A singular names its resource", "deployment", List.of("apps/v1 deployments")),
                new NameCase("A kind names its resource whatever its case", "ConfigMap", List.of("v1 configmaps")),
                new NameCase("A name qualified by its group names only that group's resource", "events.events.k8s.io",
                        List.of("events.k8s.io/v1 events")),
                new NameCase("A name qualified by version and group names that resource", "deployments.v1.apps", List.of("apps/v1 deployments")),
                new NameCase("An ambiguous short name lists the core group first", "ev", List.of("v1 events", "events.k8s.io/v1 events")),
                new NameCase("An unknown name resolves to nothing", "foos", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubectlNames")
    void kubectlStyleNamesResolve(NameCase c) {
        assertThat(TYPES.resolve(c.name())).extracting(t -> t.kind().apiVersion() + " " + t.plural()).isEqualTo(c.resolvesTo());
    }

    @Test
    void groupVersionsStartWithTheCoreGroupAndFollowKubeApiServersOrder() {
        assertThat(TYPES.groupVersions()).extracting(GroupVersion::apiVersion).containsExactly(
                "v1", "apps/v1", "events.k8s.io/v1", "authentication.k8s.io/v1", "authorization.k8s.io/v1", "batch/v1",
                "certificates.k8s.io/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "admissionregistration.k8s.io/v1",
                "apiextensions.k8s.io/v1", "scheduling.k8s.io/v1", "coordination.k8s.io/v1",
                "discovery.k8s.io/v1");
    }

    @Test
    void lookupByKindFindsTheResource() {
        assertThat(TYPES.byKind(new GroupVersionKind("apps", "v1", "StatefulSet"))).get().extracting(ResourceType::plural).isEqualTo("statefulsets");
        assertThat(TYPES.byKind(new GroupVersionKind("apps", "v1", "Nope"))).isEmpty();
    }

    record Duplicate(String description, ResourceType second) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static final ResourceType WIDGETS = widget("widgets", "Widget", List.of("wd"));

    static Stream<Duplicate> duplicates() {
        return Stream.of(
                new Duplicate("A plural registered twice in a group version is refused", widget("widgets", "Gadget", List.of())),
                new Duplicate("A kind served by two plurals of a group version is refused", widget("gadgets", "Widget", List.of())),
                new Duplicate("A short name used twice in a group is refused", widget("gadgets", "Gadget", List.of("wd"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("duplicates")
    void theRegistryRefusesDuplicates(Duplicate d) {
        ResourceTypes.Builder builder = ResourceTypes.builder().add(WIDGETS);
        assertThatThrownBy(() -> builder.add(d.second())).isInstanceOf(IllegalArgumentException.class);
    }

    private static ResourceType widget(String plural, String kind, List<String> shortNames) {
        return new ResourceType(new GroupVersionKind("example.com", "v1", kind), plural, kind.toLowerCase(), Scope.NAMESPACED,
                shortNames, List.of(), BuiltInResources.CRUD, List.of());
    }
}
