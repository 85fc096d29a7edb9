package io.outpost.apiserver.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.UserInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

class DiscoveryHandlerTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final DiscoveryHandler HANDLER = new DiscoveryHandler(ResourceTypes.builtIns());

    /** The Accept headers of the wire contract, §2. */
    private static final String KUBECTL_1_27 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    private static final String KUBECTL_1_33 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    private static final String V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private static final String V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    record Negotiation(String description, String accept, int status, String contentType, String kind) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Negotiation> negotiations() {
        return Stream.of(
                new Negotiation("kubectl 1.27 gets aggregated v2beta1", KUBECTL_1_27, 200, V2BETA1, "APIGroupDiscoveryList"),
                new Negotiation("kubectl 1.33 gets aggregated v2", KUBECTL_1_33, 200, V2, "APIGroupDiscoveryList"),
                new Negotiation("A client asking for v2beta1 before v2 gets v2beta1", V2BETA1 + "," + V2, 200, V2BETA1, "APIGroupDiscoveryList"),
                new Negotiation("A client asking for plain JSON gets the legacy document", "application/json, */*", 200, "application/json", null),
                new Negotiation("A client sending no Accept gets the legacy document", null, 200, "application/json", null),
                new Negotiation("A client accepting anything gets the legacy document", "*/*", 200, "application/json", null),
                new Negotiation("An unknown aggregated version is skipped for the next choice",
                        "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json", 200, "application/json", null),
                new Negotiation("A client accepting only protobuf is refused with 406", "application/vnd.kubernetes.protobuf", 406, "application/json", "Status"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("negotiations")
    void rootsAnswerInTheFirstFormatTheClientAccepts(Negotiation n) throws Exception {
        for (String path : List.of("/api", "/apis")) {
            ApiResponse.Full response = get(path, n.accept());

            assertThat(response.status()).as(path).isEqualTo(n.status());
            assertThat(response.contentType()).as(path).isEqualTo(n.contentType());
            String legacyKind = path.equals("/api") ? "APIVersions" : "APIGroupList";
            assertThat(parse(response).path("kind").asString()).as(path).isEqualTo(n.kind() == null ? legacyKind : n.kind());
        }
    }

    @Test
    void aggregatedApisDescribeDeploymentsAsTheWireContractShows() throws Exception {
        JsonNode doc = parse(get("/apis", KUBECTL_1_33));
        assertThat(doc.path("apiVersion").asString()).isEqualTo("apidiscovery.k8s.io/v2");
        JsonNode apps = item(doc, "apps");
        JsonNode v1 = apps.path("versions").get(0);
        assertThat(v1.path("version").asString()).isEqualTo("v1");
        assertThat(v1.path("freshness").asString()).isEqualTo("Current");
        JsonNode deployments = resource(v1, "deployments");

        assertThat(deployments.path("responseKind")).isEqualTo(tree("{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"}"));
        assertThat(deployments.path("scope").asString()).isEqualTo("Namespaced");
        assertThat(deployments.path("singularResource").asString()).isEqualTo("deployment");
        assertThat(deployments.path("verbs")).isEqualTo(tree("[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]"));
        assertThat(deployments.path("shortNames")).isEqualTo(tree("[\"deploy\"]"));
        assertThat(deployments.path("categories")).isEqualTo(tree("[\"all\"]"));
        assertThat(deployments.path("subresources")).isEqualTo(tree("""
                [{"subresource":"scale","responseKind":{"group":"autoscaling","version":"v1","kind":"Scale"},"verbs":["get","patch","update"]},
                 {"subresource":"status","responseKind":{"group":"apps","version":"v1","kind":"Deployment"},"verbs":["get","patch","update"]}]"""));
    }

    @Test
    void aggregatedApiHoldsTheCoreGroupAsOneUnnamedItem() throws Exception {
        JsonNode doc = parse(get("/api", KUBECTL_1_27));
        assertThat(doc.path("apiVersion").asString()).isEqualTo("apidiscovery.k8s.io/v2beta1");
        assertThat(doc.path("items")).hasSize(1);
        JsonNode core = doc.path("items").get(0);
        assertThat(core.path("metadata").path("name").asString("")).isEmpty();
        JsonNode pods = resource(core.path("versions").get(0), "pods");

        assertThat(pods.path("responseKind")).isEqualTo(tree("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}"));
        assertThat(pods.path("shortNames")).isEqualTo(tree("[\"po\"]"));
        assertThat(pods.path("categories")).isEqualTo(tree("[\"all\"]"));
        assertThat(strings(pods.path("subresources"), "subresource")).containsExactly("binding", "status");
        JsonNode namespaces = resource(core.path("versions").get(0), "namespaces");
        assertThat(namespaces.path("scope").asString()).isEqualTo("Cluster");
        assertThat(namespaces.has("categories")).isFalse();
    }

    @Test
    void aggregatedApisListTheNamedGroupsOnly() throws Exception {
        JsonNode doc = parse(get("/apis", V2));
        assertThat(StreamSupport.stream(doc.path("items").spliterator(), false).map(i -> i.path("metadata").path("name").asString()))
                .containsExactly("apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "batch", "certificates.k8s.io", "networking.k8s.io",
                        "rbac.authorization.k8s.io", "admissionregistration.k8s.io",
                        "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io");
        JsonNode review = resource(item(doc, "authorization.k8s.io").path("versions").get(0), "selfsubjectaccessreviews");
        assertThat(review.path("verbs")).isEqualTo(tree("[\"create\"]"));
        assertThat(review.path("scope").asString()).isEqualTo("Cluster");
    }

    @Test
    void legacyCoreListHasSubresourcesAsEntriesSortedByName() throws Exception {
        ApiResponse.Full response = get("/api/v1", "application/json");
        assertThat(response.contentType()).isEqualTo("application/json");
        JsonNode doc = parse(response);
        assertThat(doc.path("kind").asString()).isEqualTo("APIResourceList");
        assertThat(doc.path("groupVersion").asString()).isEqualTo("v1");
        List<String> names = strings(doc.path("resources"), "name");
        assertThat(names).isSorted().contains("pods", "pods/binding", "pods/status", "nodes/status", "namespaces");

        assertThat(entry(doc, "pods")).isEqualTo(tree("""
                {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod",
                 "verbs":["create","delete","deletecollection","get","list","patch","update","watch"],
                 "shortNames":["po"],"categories":["all"],"storageVersionHash":"xPOwRZ+Yhw8="}"""));
        assertThat(entry(doc, "pods/status")).isEqualTo(tree("""
                {"name":"pods/status","singularName":"","namespaced":true,"kind":"Pod","verbs":["get","patch","update"]}"""));
        assertThat(entry(doc, "pods/binding")).isEqualTo(tree("""
                {"name":"pods/binding","singularName":"","namespaced":true,"kind":"Binding","verbs":["create"]}"""));
    }

    @Test
    void legacyAppsListNamesTheScaleKindsGroupVersion() throws Exception {
        JsonNode doc = parse(get("/apis/apps/v1", null));
        assertThat(doc.path("groupVersion").asString()).isEqualTo("apps/v1");
        assertThat(entry(doc, "deployments/scale")).isEqualTo(tree("""
                {"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1",
                 "kind":"Scale","verbs":["get","patch","update"]}"""));
        assertThat(entry(doc, "deployments").path("storageVersionHash").asString()).isEqualTo("8aSe+NMegvE=");
    }

    @Test
    void bothEventsResourcesShowTheHashOfTheirOneStorageVersion() throws Exception {
        // kube stores events.k8s.io/v1 Events as core/v1 Events: both show r2yiGXH7wu8=
        assertThat(entry(parse(get("/api/v1", null)), "events").path("storageVersionHash").asString()).isEqualTo("r2yiGXH7wu8=");
        assertThat(entry(parse(get("/apis/events.k8s.io/v1", null)), "events").path("storageVersionHash").asString())
                .isEqualTo("r2yiGXH7wu8=");
    }

    @Test
    void legacyListsOfVirtualResourcesHaveNoStorageVersionHash() throws Exception {
        JsonNode doc = parse(get("/apis/authentication.k8s.io/v1", null));
        assertThat(entry(doc, "selfsubjectreviews")).isEqualTo(tree("""
                {"name":"selfsubjectreviews","singularName":"selfsubjectreview","namespaced":false,"kind":"SelfSubjectReview",
                 "verbs":["create"]}"""));
    }

    @Test
    void legacyRootsNameVersionsAndPreferredVersions() throws Exception {
        JsonNode api = parse(get("/api", "application/json", Map.of("host", "10.0.0.1:6443")));
        assertThat(api).isEqualTo(tree("""
                {"kind":"APIVersions","versions":["v1"],
                 "serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"10.0.0.1:6443"}]}"""));
        JsonNode apps = tree("""
                {"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}""");
        JsonNode groups = parse(get("/apis", "application/json"));
        assertThat(groups.path("groups").get(0)).isEqualTo(apps);
        JsonNode group = parse(get("/apis/apps", null));
        assertThat(group.path("kind").asString()).isEqualTo("APIGroup");
        assertThat(group.path("preferredVersion")).isEqualTo(apps.path("preferredVersion"));
    }

    record Missing(String description, String path) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Missing> missing() {
        return Stream.of(
                new Missing("An unknown group is not found", "/apis/foo.example.com"),
                new Missing("An unknown version of a known group is not found", "/apis/apps/v2"),
                new Missing("An unknown group version is not found", "/apis/foo.example.com/v1"),
                new Missing("An unknown core version is not found", "/api/v2"),
                new Missing("The group that only names a response kind is not served", "/apis/autoscaling/v1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("missing")
    void unknownGroupsAndVersionsAre404Statuses(Missing m) throws Exception {
        ApiResponse.Full response = get(m.path(), KUBECTL_1_33);
        assertThat(response.status()).isEqualTo(404);
        JsonNode status = parse(response);
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("reason").asString()).isEqualTo("NotFound");
        assertThat(status.path("message").asString()).isEqualTo("the server could not find the requested resource");
    }

    @Test
    void aggregatedAnswersAreRevalidatedWithTheirEntityTag() throws Exception {
        ApiResponse.Full first = get("/apis", KUBECTL_1_33);
        String etag = first.headers().get("ETag");
        assertThat(etag).startsWith("\"").endsWith("\"");
        assertThat(first.headers()).containsEntry("Vary", "Accept");

        ApiResponse.Full again = get("/apis", KUBECTL_1_33, Map.of("if-none-match", etag));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers()).containsEntry("ETag", etag);

        assertThat(get("/apis", KUBECTL_1_33, Map.of("if-none-match", "\"stale\"")).status()).isEqualTo(200);
        assertThat(get("/apis", KUBECTL_1_27).headers().get("ETag")).as("v2beta1 is another representation").isNotEqualTo(etag);
    }

    @Test
    void onlyGetIsAllowed() throws Exception {
        ApiResponse response = HANDLER.handle(new ApiRequest("POST", "/apis", Map.of(), Map.of(), new byte[0], new UserInfo("u", List.of())));
        assertThat(response.status()).isEqualTo(405);
    }

    private static ApiResponse.Full get(String path, String accept) throws Exception {
        return get(path, accept, Map.of());
    }

    private static ApiResponse.Full get(String path, String accept, Map<String, String> extra) throws Exception {
        Map<String, List<String>> headers = new HashMap<>();
        if (accept != null) {
            headers.put("accept", List.of(accept));
        }
        extra.forEach((k, v) -> headers.put(k, List.of(v)));
        ApiRequest request = new ApiRequest("GET", path, Map.of("timeout", List.of("32s")), headers, new byte[0], new UserInfo("u", List.of()));
        return (ApiResponse.Full) HANDLER.handle(request);
    }

    private static JsonNode parse(ApiResponse.Full response) {
        return JSON.readTree(response.body());
    }

    private static JsonNode tree(String json) {
        return JSON.readTree(json);
    }

    private static JsonNode item(JsonNode list, String group) {
        return StreamSupport.stream(list.path("items").spliterator(), false)
                .filter(i -> i.path("metadata").path("name").asString("").equals(group)).findFirst().orElseThrow();
    }

    private static JsonNode resource(JsonNode version, String plural) {
        return StreamSupport.stream(version.path("resources").spliterator(), false)
                .filter(r -> r.path("resource").asString().equals(plural)).findFirst().orElseThrow();
    }

    private static JsonNode entry(JsonNode list, String name) {
        return StreamSupport.stream(list.path("resources").spliterator(), false)
                .filter(r -> r.path("name").asString().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> strings(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.path(field).isString() ? n.path(field).asString() : "").toList();
    }
}
