package io.outpost.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.UserInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

class OpenApiV3HandlerTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final OpenApiV3Handler HANDLER = new OpenApiV3Handler(ResourceTypes.builtIns());

    private static ApiResponse.Full get(String path, Map<String, List<String>> query, Map<String, List<String>> headers) {
        return (ApiResponse.Full) HANDLER.handle(new ApiRequest("GET", path, query, headers, new byte[0], new UserInfo("u", List.of())));
    }

    private static JsonNode json(String path) {
        ApiResponse.Full response = get(path, Map.of(), Map.of());
        assertThat(response.status()).as(path).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("application/json");
        return JSON.readTree(response.body());
    }

    @Test
    void theIndexNamesEveryServedGroupVersionWithItsHashedUrl() {
        JsonNode paths = json("/openapi/v3").path("paths");
        assertThat(paths.propertyNames()).contains("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/coordination.k8s.io/v1",
                "apis/rbac.authorization.k8s.io/v1");
        assertThat(paths.path("apis/apps/v1").path("serverRelativeURL").asString())
                .isEqualTo("/openapi/v3/apis/apps/v1?hash=" + HANDLER.hashOf("apis/apps/v1"))
                .matches(".*\\?hash=[0-9A-F]{128}");
    }

    @Test
    void theDeploymentPatchOperationHasTheKindAndTheFieldValidationParameter() {
        JsonNode patch = json("/openapi/v3/apis/apps/v1").path("paths")
                .path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").path("patch");
        assertThat(patch.path("x-kubernetes-group-version-kind").toString())
                .isEqualTo("{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}");
        assertThat(patch.path("parameters").valueStream().map(p -> p.path("in").asString() + ":" + p.path("name").asString()))
                .contains("query:fieldValidation", "query:dryRun", "query:fieldManager", "query:force");
        assertThat(patch.path("operationId").asString()).isEqualTo("patchAppsV1NamespacedDeployment");
    }

    @Test
    void aResourceWithoutTheVerbHasNoOperationForIt() {
        JsonNode paths = json("/openapi/v3/apis/authorization.k8s.io/v1").path("paths");
        JsonNode reviews = paths.path("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
        assertThat(reviews.has("post")).isTrue();
        assertThat(reviews.has("get")).as("create only").isFalse();
    }

    @Test
    void thePodSchemaCarriesKubesPatchExtensionsAndSharedTypeNames() {
        JsonNode schemas = json("/openapi/v3/api/v1").path("components").path("schemas");
        JsonNode containers = schemas.path("io.k8s.api.core.v1.PodSpec").path("properties").path("containers");
        assertThat(containers.path("type").asString()).isEqualTo("array");
        assertThat(containers.path("items").path("$ref").asString()).isEqualTo("#/components/schemas/io.k8s.api.core.v1.Container");
        assertThat(containers.path("x-kubernetes-patch-merge-key").asString()).isEqualTo("name");
        assertThat(containers.path("x-kubernetes-patch-strategy").asString()).isEqualTo("merge");
        assertThat(schemas.path("io.k8s.api.core.v1.PodSpec").path("properties").path("volumes")
                .path("x-kubernetes-patch-strategy").asString()).isEqualTo("merge,retainKeys");

        JsonNode pod = schemas.path("io.k8s.api.core.v1.Pod");
        assertThat(pod.path("properties").path("metadata").path("$ref").asString())
                .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        assertThat(pod.path("x-kubernetes-group-version-kind").get(0).path("kind").asString()).isEqualTo("Pod");
        assertThat(schemas.path("io.k8s.apimachinery.pkg.util.intstr.IntOrString").path("format").asString()).isEqualTo("int-or-string");
        assertThat(schemas.path("io.k8s.api.core.v1.ResourceRequirements").path("properties").path("limits")
                .path("additionalProperties").path("$ref").asString()).endsWith("io.k8s.apimachinery.pkg.api.resource.Quantity");
    }

    @Test
    void everyReferenceResolvesInsideItsOwnDocument() {
        for (String key : json("/openapi/v3").path("paths").propertyNames()) {
            JsonNode doc = json("/openapi/v3/" + key);
            JsonNode schemas = doc.path("components").path("schemas");
            // JSONSchemaProps (CRDs) has a property named $ref: only string values are references.
            doc.findValues("$ref").stream().filter(JsonNode::isString).forEach(ref -> assertThat(schemas.has(ref.asString().substring("#/components/schemas/".length())))
                    .as("%s in %s", ref, key).isTrue());
        }
    }

    @Test
    void theHashedUrlIsImmutableAndAStaleHashRedirects() {
        String hash = HANDLER.hashOf("apis/apps/v1");
        ApiResponse.Full hashed = get("/openapi/v3/apis/apps/v1", Map.of("hash", List.of(hash)), Map.of());
        assertThat(hashed.headers()).containsEntry("Cache-Control", "public, immutable").containsEntry("ETag", "\"" + hash + "\"");
        assertThat(OpenApiV3Handler.hash(hashed.body())).as("the hash is the body's SHA-512").isEqualTo(hash);
        assertThat(get("/openapi/v3/apis/apps/v1", Map.of(), Map.of()).headers()).doesNotContainKey("Cache-Control");

        ApiResponse.Full stale = get("/openapi/v3/apis/apps/v1", Map.of("hash", List.of("ABC")), Map.of());
        assertThat(stale.status()).isEqualTo(301);
        assertThat(stale.headers()).containsEntry("Location", "/openapi/v3/apis/apps/v1?hash=" + hash);

        assertThat(get("/openapi/v3/apis/apps/v1", Map.of(), Map.of("if-none-match", List.of("\"" + hash + "\""))).status())
                .isEqualTo(304);
    }

    @Test
    void theDocumentsAreTheSameEveryTimeTheyAreBuilt() {
        assertThat(new OpenApiV3Handler(ResourceTypes.builtIns()).hashOf("api/v1")).isEqualTo(HANDLER.hashOf("api/v1"));
    }

    @Test
    void anUnknownGroupVersionIsNotFound() {
        assertThat(get("/openapi/v3/apis/nope/v1", Map.of(), Map.of()).status()).isEqualTo(404);
    }
}
