package io.outpost.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.admission.ObjectSource;
import io.outpost.apiserver.http.UserInfo;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The node authorizer and the node-bootstrapper role, behind the server's union of authorizers. */
class NodeAuthorizerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ResourceType PODS = ResourceTypes.builtIns().lookup("", "v1", "pods").orElseThrow();

    private static final UserInfo NODE_A = new UserInfo("system:node:a", List.of("system:nodes", UserInfo.AUTHENTICATED));
    private static final UserInfo NOT_A_NODE = new UserInfo("system:node:a", List.of("dev", UserInfo.AUTHENTICATED));
    private static final UserInfo JOINER = new UserInfo("system:bootstrap:abcdef",
            List.of(BootstrapTokens.GROUP, UserInfo.AUTHENTICATED));

    /** Two pods: web on node a (Secret db, ConfigMap web-config by env and volume), api on node b (Secret api-key). */
    private static final Map<String, ObjectNode> PODS_BY_NAME = Map.of(
            "web", pod("web", "a", """
                    {"serviceAccountName":"web-sa","containers":[{"name":"c","env":[{"name":"P","valueFrom":{"secretKeyRef":{"name":"db","key":"p"}}}]}],
                     "volumes":[{"name":"v","configMap":{"name":"web-config"}},
                                {"name":"p","projected":{"sources":[{"secret":{"name":"projected-token"}}]}}],
                     "imagePullSecrets":[{"name":"registry"}]}"""),
            "api", pod("api", "b", """
                    {"containers":[{"name":"c","envFrom":[{"secretRef":{"name":"api-key"}}]}]}"""));

    private static ObjectNode pod(String name, String node, String spec) {
        ObjectNode pod = JSON.createObjectNode();
        pod.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode s = (ObjectNode) JSON.readTree(spec);
        s.put("nodeName", node);
        pod.set("spec", s);
        return pod;
    }

    private static final ObjectSource OBJECTS = new ObjectSource() {
        @Override
        public Listing list(ResourceType type) {
            return new Listing(PODS_BY_NAME.values().stream().map(p -> new Item(p, 1)).toList(), 1);
        }

        @Override
        public Optional<ObjectNode> get(ResourceType type, String namespace, String name) {
            return "default".equals(namespace) ? Optional.ofNullable(PODS_BY_NAME.get(name)) : Optional.empty();
        }

        @Override
        public Optional<ResourceType> resourceOf(String apiVersion, String kind) {
            return Optional.empty();
        }
    };

    private static final Authorizer AUTHORIZER = new UnionAuthorizer(List.of(new SystemMastersAuthorizer(),
            new NodeAuthorizer(OBJECTS, PODS), new BootstrapperAuthorizer(), new BootstrapRolesAuthorizer()));

    record Case(String sentence, Attributes attributes, boolean allowed) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    private static Attributes res(UserInfo u, String verb, String group, String resource, String sub, String ns, String name) {
        return Attributes.resource(u, verb, group, resource, sub, ns, name);
    }

    static Stream<Case> cases() {
        String certs = "certificates.k8s.io";
        return Stream.of(
                new Case("A node may get its own Node", res(NODE_A, "get", "", "nodes", "", "", "a"), true),
                new Case("A node may watch its own Node by name", res(NODE_A, "watch", "", "nodes", "", "", "a"), true),
                new Case("A node may update its own Node's status", res(NODE_A, "patch", "", "nodes", "status", "", "a"), true),
                new Case("A node may register itself", res(NODE_A, "create", "", "nodes", "", "", ""), true),
                new Case("A node may not get another Node", res(NODE_A, "get", "", "nodes", "", "", "b"), false),
                new Case("A node may not update another Node's status", res(NODE_A, "update", "", "nodes", "status", "", "b"), false),
                new Case("A node may not list every Node", res(NODE_A, "list", "", "nodes", "", "", ""), false),
                new Case("A node may not delete its own Node", res(NODE_A, "delete", "", "nodes", "", "", "a"), false),
                new Case("A node may renew its Lease", res(NODE_A, "update", "coordination.k8s.io", "leases", "", "kube-node-lease", "a"), true),
                new Case("A node may create its Lease", res(NODE_A, "create", "coordination.k8s.io", "leases", "", "kube-node-lease", ""), true),
                new Case("A node may not touch another node's Lease",
                        res(NODE_A, "update", "coordination.k8s.io", "leases", "", "kube-node-lease", "b"), false),
                new Case("A node may not write Leases elsewhere", res(NODE_A, "create", "coordination.k8s.io", "leases", "", "kube-system", ""), false),
                new Case("A node may create CSRs", res(NODE_A, "create", certs, "certificatesigningrequests", "", "", ""), true),
                new Case("A node may get a CSR", res(NODE_A, "get", certs, "certificatesigningrequests", "", "", "node-csr-x"), true),
                new Case("A node may not approve a CSR", res(NODE_A, "update", certs, "certificatesigningrequests", "approval", "", "node-csr-x"), false),
                new Case("A node may create Events", res(NODE_A, "create", "", "events", "", "default", ""), true),
                new Case("A node may get a pod bound to it", res(NODE_A, "get", "", "pods", "", "default", "web"), true),
                new Case("A node may update the status of a pod bound to it", res(NODE_A, "update", "", "pods", "status", "default", "web"), true),
                new Case("A node may not get a pod bound to another node", res(NODE_A, "get", "", "pods", "", "default", "api"), false),
                new Case("A node may not update a pod bound to another node's status",
                        res(NODE_A, "patch", "", "pods", "status", "default", "api"), false),
                new Case("A node may not get a pod that does not exist", res(NODE_A, "get", "", "pods", "", "default", "nope"), false),
                new Case("A node may not update a pod's spec", res(NODE_A, "update", "", "pods", "", "default", "web"), false),
                new Case("A node may list the pods bound to it",
                        res(NODE_A, "list", "", "pods", "", "", "").withFieldSelector("spec.nodeName=a"), true),
                new Case("A node may watch the pods bound to it",
                        res(NODE_A, "watch", "", "pods", "", "", "").withFieldSelector("status.phase!=Failed,spec.nodeName==a"), true),
                new Case("A node may not list pods without the node selector", res(NODE_A, "list", "", "pods", "", "default", ""), false),
                new Case("A node may not list another node's pods",
                        res(NODE_A, "list", "", "pods", "", "", "").withFieldSelector("spec.nodeName=b"), false),
                new Case("A node may get a Secret its pod reads from env", res(NODE_A, "get", "", "secrets", "", "default", "db"), true),
                new Case("A node may get a Secret its pod projects", res(NODE_A, "get", "", "secrets", "", "default", "projected-token"), true),
                new Case("A node may get its pod's image pull Secret", res(NODE_A, "get", "", "secrets", "", "default", "registry"), true),
                new Case("A node may watch one such Secret by name", res(NODE_A, "watch", "", "secrets", "", "default", "db"), true),
                new Case("A node may get a ConfigMap its pod mounts", res(NODE_A, "get", "", "configmaps", "", "default", "web-config"), true),
                new Case("A node may not get a Secret only another node's pod uses",
                        res(NODE_A, "get", "", "secrets", "", "default", "api-key"), false),
                new Case("A node may not get a Secret of the same name in another namespace",
                        res(NODE_A, "get", "", "secrets", "", "prod", "db"), false),
                new Case("A node may not list Secrets", res(NODE_A, "list", "", "secrets", "", "default", ""), false),
                new Case("A node may not update a Secret its pod uses", res(NODE_A, "update", "", "secrets", "", "default", "db"), false),
                new Case("A node may create a token for the service account of a pod bound to it",
                        res(NODE_A, "create", "", "serviceaccounts", "token", "default", "web-sa"), true),
                new Case("A node may not create a token for a service account no pod of its uses",
                        res(NODE_A, "create", "", "serviceaccounts", "token", "default", "default"), false),
                new Case("A node may not create a token for that service account in another namespace",
                        res(NODE_A, "create", "", "serviceaccounts", "token", "prod", "web-sa"), false),
                new Case("A node may not get the service account of its pod", res(NODE_A, "get", "", "serviceaccounts", "", "default", "web-sa"), false),
                new Case("A node may not read Deployments", res(NODE_A, "get", "apps", "deployments", "", "default", "web"), false),
                new Case("A node may read discovery", Attributes.nonResource(NODE_A, "get", "/apis"), true),
                new Case("A node name outside system:nodes gets nothing", res(NOT_A_NODE, "get", "", "nodes", "", "", "a"), false),
                new Case("A joining node may create CSRs", res(JOINER, "create", certs, "certificatesigningrequests", "", "", ""), true),
                new Case("A joining node may read its CSR", res(JOINER, "get", certs, "certificatesigningrequests", "", "", "node-csr-1"), true),
                new Case("A joining node may not approve its CSR",
                        res(JOINER, "update", certs, "certificatesigningrequests", "approval", "", "node-csr-1"), false),
                new Case("A joining node may not read pods", res(JOINER, "list", "", "pods", "", "default", ""), false),
                new Case("A joining node may not read Nodes", res(JOINER, "get", "", "nodes", "", "", "a"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        assertThat(AUTHORIZER.authorize(c.attributes()).allowed()).isEqualTo(c.allowed());
    }

    @org.junit.jupiter.api.Test
    void aNodeIsToldWhyAsKubeTellsIt() {
        Decision d = AUTHORIZER.authorize(res(NODE_A, "get", "", "pods", "", "default", "api"));
        assertThat(d.reason()).isEqualTo("no relationship found between node 'a' and this object");
        Decision list = AUTHORIZER.authorize(res(NODE_A, "list", "", "pods", "", "default", ""));
        assertThat(list.reason()).isEqualTo("can only list pods with spec.nodeName field selector");
    }
}
