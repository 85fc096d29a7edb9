package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * The fabric8 Kubernetes client (8.0, on the JDK's HttpClient) against the whole server in this
 * JVM, through the admin kubeconfig the server wrote: the verbs a Java operator uses on
 * configmaps, deployments and pods. Informers are in {@link Fabric8InformerTest}.
 */
class Fabric8ClientTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("fabric8").endMetadata().build())
                .create();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ConfigMap configMap(String name, Map<String, String> labels, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("fabric8").withLabels(labels)
                .endMetadata().withData(data).build();
    }

    @Test
    void aConfigMapIsCreatedReadListedByLabelPatchedAndDeleted() {
        var configMaps = client.configMaps().inNamespace("fabric8");
        ConfigMap created = configMaps.resource(configMap("settings", Map.of("tier", "edge"), Map.of("mode", "fast")))
                .create();
        configMaps.resource(configMap("other", Map.of("tier", "cloud"), Map.of())).create();

        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getMetadata().getResourceVersion()).isNotBlank();
        assertThat(configMaps.withName("settings").get().getData()).containsEntry("mode", "fast");
        assertThat(configMaps.withLabel("tier", "edge").list().getItems())
                .extracting(cm -> cm.getMetadata().getName()).containsExactly("settings");
        assertThat(configMaps.withLabelIn("tier", "edge", "cloud").list().getItems()).hasSize(2);

        ConfigMap patched = configMaps.withName("settings")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"mode\":null,\"size\":\"small\"}}");
        assertThat(patched.getData()).containsExactly(Map.entry("size", "small"));

        assertThat(configMaps.withName("settings").delete()).hasSize(1);
        assertThat(configMaps.withName("settings").get()).isNull();
        assertThat(configMaps.withLabel("tier").list().getItems())
                .extracting(cm -> cm.getMetadata().getName()).containsExactly("other");
    }

    @Test
    void anUpdateWithAStaleResourceVersionIsAConflict() {
        var configMaps = client.configMaps().inNamespace("fabric8");
        ConfigMap first = configMaps.resource(configMap("contended", Map.of(), Map.of("n", "0"))).create();
        ConfigMap winner = configMaps.resource(new ConfigMapBuilder(first).withData(Map.of("n", "1")).build()).update();
        assertThat(winner.getMetadata().getResourceVersion()).isNotEqualTo(first.getMetadata().getResourceVersion());

        ConfigMap stale = new ConfigMapBuilder(first).withData(Map.of("n", "2")).build();
        assertThatThrownBy(() -> configMaps.resource(stale).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                });
        assertThat(configMaps.withName("contended").get().getData()).containsEntry("n", "1");
    }

    @Test
    void aDeploymentIsCreatedAndScaledThroughItsScaleSubresource() {
        var deployments = client.apps().deployments().inNamespace("fabric8");
        Deployment created = deployments.resource(new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace("fabric8").endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx:1.27").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);

        deployments.withName("web").scale(3);

        Deployment scaled = deployments.withName("web").get();
        assertThat(scaled.getSpec().getReplicas()).isEqualTo(3);
        assertThat(scaled.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(deployments.withName("web").scale().getSpec().getReplicas()).isEqualTo(3);

        assertThat(deployments.withName("web").delete()).hasSize(1);
    }

    @Test
    void aPodIsCreatedListedAndDeleted() {
        var pods = client.pods().inNamespace("fabric8");
        Pod created = pods.resource(new PodBuilder()
                .withNewMetadata().withName("probe").withNamespace("fabric8").addToLabels("app", "probe").endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("busybox:1.36").endContainer().endSpec()
                .build()).create();
        // kube's defaults, as the client sees them.
        assertThat(created.getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(created.getStatus().getPhase()).isEqualTo("Pending");

        assertThat(pods.withLabel("app", "probe").list().getItems())
                .extracting(p -> p.getMetadata().getName()).containsExactly("probe");
        assertThat(pods.withName("probe").withGracePeriod(0).delete()).hasSize(1);
        assertThat(pods.withName("probe").get()).isNull();
    }
}
