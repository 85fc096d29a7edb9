package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The fabric8 client's custom resource APIs against the whole server in this JVM: a CRD created
 * with the typed apiextensions API, then its objects through a typed {@link CustomResource} class,
 * through {@link GenericKubernetesResource}, and watched by a {@link SharedIndexInformer}.
 */
class Fabric8CustomResourceTest {

    static final String GROUP = "fabric8.example.com";

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;

    /** The typed custom resource, as an operator writes it. */
    @Group(GROUP)
    @Version("v1")
    public static final class Gadget extends CustomResource<GadgetSpec, GadgetStatus> implements Namespaced {
    }

    public static final class GadgetSpec {
        public String color;
        public Integer size;
    }

    public static final class GadgetStatus {
        public String phase;
    }

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("gadgets").endMetadata().build()).create();
        CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.%1$s}
                spec:
                  group: %1$s
                  scope: Namespaced
                  names: {plural: gadgets, singular: gadget, kind: Gadget}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    subresources: {status: {}}
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            properties:
                              color: {type: string}
                              size: {type: integer, minimum: 1, default: 3}
                          status:
                            type: object
                            properties:
                              phase: {type: string}
                """.formatted(GROUP), CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> established(client, "gadgets." + GROUP));
    }

    static boolean established(KubernetesClient client, String name) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(name).get();
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Gadget gadget(String name, String color) {
        Gadget g = new Gadget();
        g.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("gadgets").build());
        g.setSpec(new GadgetSpec());
        g.getSpec().color = color;
        return g;
    }

    @Test
    void aTypedCustomResourceIsCreatedDefaultedListedGivenAStatusAndDeleted() {
        var gadgets = client.resources(Gadget.class).inNamespace("gadgets");
        Gadget created = gadgets.resource(gadget("typed", "red")).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getSpec().size).as("the schema's default").isEqualTo(3);
        assertThat(gadgets.list().getItems()).extracting(g -> g.getMetadata().getName()).contains("typed");

        Gadget withStatus = gadgets.withName("typed").get();
        withStatus.setStatus(new GadgetStatus());
        withStatus.getStatus().phase = "Ready";
        withStatus.getSpec().color = "ignored by a status write";
        Gadget updated = gadgets.resource(withStatus).updateStatus();
        assertThat(updated.getStatus().phase).isEqualTo("Ready");
        assertThat(updated.getSpec().color).isEqualTo("red");

        GenericKubernetesResource badStatus = client.genericKubernetesResources(GROUP + "/v1", "Gadget").inNamespace("gadgets")
                .withName("typed").get();
        badStatus.setAdditionalProperty("status", Map.of("phase", 42));
        assertThatThrownBy(() -> client.genericKubernetesResources(GROUP + "/v1", "Gadget").inNamespace("gadgets")
                .resource(badStatus).updateStatus())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).as("a status write is checked against the schema too").isEqualTo(422);
                    assertThat(e.getMessage()).contains("status.phase");
                });

        Gadget tooSmall = gadget("small", "blue");
        tooSmall.getSpec().size = 0;
        assertThatThrownBy(() -> gadgets.resource(tooSmall).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.size");
                });

        assertThat(gadgets.withName("typed").delete()).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> gadgets.withName("typed").get() == null);
    }

    @Test
    void aGenericResourceIsCreatedReadAndPatched() {
        var generic = client.genericKubernetesResources(GROUP + "/v1", "Gadget").inNamespace("gadgets");
        GenericKubernetesResource resource = new GenericKubernetesResourceBuilder().withApiVersion(GROUP + "/v1").withKind("Gadget")
                .withNewMetadata().withName("generic").withNamespace("gadgets").endMetadata()
                .withAdditionalProperties(Map.of("spec", Map.of("color", "green", "unknown", "pruned"))).build();
        generic.resource(resource).create();
        GenericKubernetesResource read = generic.withName("generic").get();
        assertThat(read.<String>get("spec", "color")).isEqualTo("green");
        assertThat(read.<Object>get("spec", "unknown")).as("pruned: not in the schema").isNull();
        assertThat(read.<Integer>get("spec", "size")).isEqualTo(3);

        generic.withName("generic").edit(r -> {
            r.setAdditionalProperty("spec", Map.of("color", "blue", "size", 7));
            return r;
        });
        assertThat(generic.withName("generic").get().<Integer>get("spec", "size")).isEqualTo(7);
    }

    @Test
    void anInformerSeesCustomObjectsComeChangeAndGo() {
        List<String> seen = new CopyOnWriteArrayList<>();
        var gadgets = client.resources(Gadget.class).inNamespace("gadgets");
        try (SharedIndexInformer<Gadget> informer = gadgets.inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Gadget g) {
                seen.add("add " + g.getMetadata().getName());
            }

            @Override
            public void onUpdate(Gadget old, Gadget g) {
                if (!old.getMetadata().getResourceVersion().equals(g.getMetadata().getResourceVersion())) {
                    seen.add("update " + g.getMetadata().getName() + " " + g.getSpec().color);
                }
            }

            @Override
            public void onDelete(Gadget g, boolean unknownFinalState) {
                seen.add("delete " + g.getMetadata().getName());
            }
        })) {
            gadgets.resource(gadget("watched", "red")).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("add watched"));
            gadgets.withName("watched").edit(g -> {
                g.getSpec().color = "blue";
                return g;
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("update watched blue"));
            gadgets.withName("watched").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("delete watched"));
            assertThat(informer.getIndexer().list()).extracting(g -> g.getMetadata().getName()).doesNotContain("watched");
        }
    }
}
