package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The garbage collector sees a custom resource defined after the server started: kube's collector
 * re-reads discovery every 30 s; ours also when a CustomResourceDefinition changes. Before, a
 * resource added after start was only collected after a restart of the controllers. Both ways
 * round: a custom object owned by a ConfigMap, and a ConfigMap owned by a custom object (an owner
 * of the new kind is looked up by kind).
 */
class GarbageCollectorDiscoveryTest {

    private static final String NS = "gc-discovery";
    private static final String GROUP = "widgets.gc.example.com";
    private static final ResourceDefinitionContext WIDGETS = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP).withVersion("v1").withKind("Widget").withPlural("widgets").withNamespaced(true).build();
    /** Well under the 30 s periodic re-read: what is checked is the re-read a CRD triggers. */
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        // Defined only now, after the controllers have started.
        CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.%1$s}
                spec:
                  group: %1$s
                  scope: Namespaced
                  names: {plural: widgets, singular: widget, kind: Widget}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
                """.formatted(GROUP), CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> Fabric8CustomResourceTest.established(client, "widgets." + GROUP));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aCustomObjectWhoseOwnerIsDeletedIsCollected() {
        ConfigMap owner = client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("owner").endMetadata().addToData("k", "v").build()).create();
        client.genericKubernetesResources(WIDGETS).inNamespace(NS).resource(widget("owned", ref("v1", "ConfigMap",
                owner.getMetadata().getName(), owner.getMetadata().getUid()))).create();

        client.configMaps().inNamespace(NS).withName("owner").delete();

        await().atMost(WAIT).until(() -> client.genericKubernetesResources(WIDGETS).inNamespace(NS).withName("owned").get() == null);
    }

    @Test
    void aConfigMapOwnedByACustomObjectIsCollectedWhenItIsDeleted() {
        GenericKubernetesResource owner = client.genericKubernetesResources(WIDGETS).inNamespace(NS)
                .resource(widget("parent", null)).create();
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("child")
                .withOwnerReferences(ref(GROUP + "/v1", "Widget", "parent", owner.getMetadata().getUid()))
                .endMetadata().build()).create();
        // Still there while its owner is: the collector knows the owner's kind and finds it.
        assertThat(client.configMaps().inNamespace(NS).withName("child").get()).isNotNull();

        client.genericKubernetesResources(WIDGETS).inNamespace(NS).withName("parent").delete();

        await().atMost(WAIT).until(() -> client.configMaps().inNamespace(NS).withName("child").get() == null);
    }

    private static GenericKubernetesResource widget(String name, OwnerReference owner) {
        GenericKubernetesResourceBuilder b = new GenericKubernetesResourceBuilder()
                .withApiVersion(GROUP + "/v1").withKind("Widget")
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("size", 1)));
        if (owner != null) {
            b.editMetadata().withOwnerReferences(owner).endMetadata();
        }
        return b.build();
    }

    private static OwnerReference ref(String apiVersion, String kind, String name, String uid) {
        return new OwnerReferenceBuilder().withApiVersion(apiVersion).withKind(kind).withName(name).withUid(uid).build();
    }
}
