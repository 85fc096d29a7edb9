package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole server with CRDs, through fabric8 and raw HTTP: what discovery and OpenAPI publish
 * as CRDs come and go, cluster-scoped resources, several versions of one resource, a bad CRD
 * refused with field paths, and CRDs served again after a restart.
 */
class CrdServingTest {

    @TempDir
    Path dir;

    ServerFixture server;
    KubernetesClient client;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    void startServer() throws Exception {
        server = ServerFixture.start(dir);
        client = server.client();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private CustomResourceDefinition create(String yaml) {
        CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(yaml, CustomResourceDefinition.class);
        CustomResourceDefinition created = client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> Fabric8CustomResourceTest.established(client, created.getMetadata().getName()));
        return created;
    }

    static final String CLUSTER_CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: sites.edge.example.com}
            spec:
              group: edge.example.com
              scope: Cluster
              names: {plural: sites, singular: site, kind: Site, shortNames: [st], categories: [all]}
              versions:
              - name: v1beta1
                served: true
                storage: false
                schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec: {type: object, properties: {region: {type: string}}}
            """;

    private JsonNode raw(String path) {
        return JSON.readTree(client.raw(path));
    }

    @Test
    void discoveryAndOpenApiFollowTheCrds() throws Exception {
        startServer();
        assertThat(raw("/apis").toString()).doesNotContain("edge.example.com");
        create(CLUSTER_CRD);

        JsonNode group = raw("/apis/edge.example.com");
        assertThat(group.path("preferredVersion").path("version").asString()).as("GA before beta").isEqualTo("v1");
        JsonNode resources = raw("/apis/edge.example.com/v1");
        JsonNode sites = resources.path("resources").get(0);
        assertThat(sites.path("name").asString()).isEqualTo("sites");
        assertThat(sites.path("namespaced").asBoolean()).isFalse();
        assertThat(sites.path("shortNames").toString()).contains("st");
        assertThat(raw("/openapi/v3").path("paths").has("apis/edge.example.com/v1")).isTrue();
        JsonNode doc = raw("/openapi/v3/apis/edge.example.com/v1");
        assertThat(doc.path("components").path("schemas").has("com.example.edge.v1.Site")).isTrue();
        assertThat(doc.path("paths").has("/apis/edge.example.com/v1/sites/{name}")).isTrue();

        client.apiextensions().v1().customResourceDefinitions().withName("sites.edge.example.com").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> !raw("/apis").toString().contains("edge.example.com"));
        assertThat(raw("/openapi/v3").path("paths").has("apis/edge.example.com/v1")).isFalse();
    }

    @Test
    void aClusterScopedResourceIsServedInEachVersionAndStoredInTheStorageVersion() throws Exception {
        startServer();
        create(CLUSTER_CRD);
        var v1 = client.genericKubernetesResources("edge.example.com/v1", "Site");
        var beta = client.genericKubernetesResources("edge.example.com/v1beta1", "Site");
        v1.resource(site("edge.example.com/v1", "north")).create();
        GenericKubernetesResource viaBeta = beta.withName("north").get();
        assertThat(viaBeta.getApiVersion()).isEqualTo("edge.example.com/v1beta1");
        assertThat(viaBeta.<String>get("spec", "region")).isEqualTo("eu-north");
        assertThat(v1.list().getItems()).extracting(GenericKubernetesResource::getApiVersion).containsOnly("edge.example.com/v1");
        assertThat(v1.withName("north").get().getMetadata().getNamespace()).isNull();
    }

    private static GenericKubernetesResource site(String apiVersion, String name) {
        return new GenericKubernetesResourceBuilder().withApiVersion(apiVersion).withKind("Site").withNewMetadata().withName(name)
                .endMetadata().withAdditionalProperties(Map.of("spec", Map.of("region", "eu-" + name))).build();
    }

    @Test
    void aBadCrdIsRefusedWithFieldPathsAndNothingIsStored() throws Exception {
        startServer();
        CustomResourceDefinition bad = client.getKubernetesSerialization().unmarshal("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: things.example.com}
                spec:
                  group: example.com
                  scope: Galaxy
                  names: {plural: stuff, kind: Thing}
                  versions:
                  - name: v1
                    served: true
                    storage: false
                    schema: {openAPIV3Schema: {type: string}}
                """, CustomResourceDefinition.class);
        assertThatThrownBy(() -> client.apiextensions().v1().customResourceDefinitions().resource(bad).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getDetails().getCauses()).extracting(StatusCause::getField).contains(
                            "metadata.name", "spec.scope", "spec.versions", "spec.versions[0].schema.openAPIV3Schema.type");
                });
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("things.example.com").get()).isNull();
    }

    @Test
    void establishedCrdsAndTheirObjectsAreServedAgainAfterARestart() throws Exception {
        startServer();
        create(CLUSTER_CRD);
        client.genericKubernetesResources("edge.example.com/v1", "Site").resource(site("edge.example.com/v1", "south")).create();
        stop();
        client = null;
        server = null;

        startServer();
        GenericKubernetesResource south = client.genericKubernetesResources("edge.example.com/v1", "Site").withName("south").get();
        assertThat(south).isNotNull();
        assertThat(south.<String>get("spec", "region")).isEqualTo("eu-south");
    }
}
