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
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The fabric8 client's server-side apply ({@code serverSideApply()}, {@code fieldManager},
 * {@code forceConflicts}) against the whole server in this JVM: create on apply, shared and
 * conflicting ownership, a forced take-over, and fields a manager stops applying.
 */
class Fabric8ServerSideApplyTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ssa").endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Deployment deployment(int replicas, String image) {
        return new DeploymentBuilder().withNewMetadata().withName("edge").withNamespace("ssa").endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "edge").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "edge").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec().endTemplate()
                .endSpec().build();
    }

    @Test
    void applyCreatesThenConflictsThenForces() {
        Deployment created = client.resource(deployment(1, "nginx:1.25")).fieldManager("operator").serverSideApply();
        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager, ManagedFieldsEntry::getOperation)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("operator", "Apply"));

        assertThatThrownBy(() -> client.resource(deployment(3, "nginx:1.25")).fieldManager("autoscaler").serverSideApply())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    assertThat(e.getStatus().getDetails().getCauses()).singleElement().satisfies(c -> {
                        assertThat(c.getReason()).isEqualTo("FieldManagerConflict");
                        assertThat(c.getField()).isEqualTo(".spec.replicas");
                        assertThat(c.getMessage()).isEqualTo("conflict with \"operator\"");
                    });
                });
        assertThat(client.apps().deployments().inNamespace("ssa").withName("edge").get().getSpec().getReplicas()).isEqualTo(1);

        Deployment forced = client.resource(deployment(3, "nginx:1.25")).fieldManager("autoscaler").forceConflicts().serverSideApply();
        assertThat(forced.getSpec().getReplicas()).isEqualTo(3);
        assertThat(forced.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager).containsExactlyInAnyOrder("operator", "autoscaler");
    }

    @Test
    void fieldsAManagerStopsApplyingAreRemoved() {
        ConfigMap first = new ConfigMapBuilder().withNewMetadata().withName("cfg").withNamespace("ssa").endMetadata()
                .withData(Map.of("a", "1", "b", "2")).build();
        client.resource(first).fieldManager("writer").serverSideApply();
        ConfigMap second = new ConfigMapBuilder().withNewMetadata().withName("cfg").withNamespace("ssa").endMetadata()
                .withData(Map.of("a", "1")).build();
        ConfigMap applied = client.resource(second).fieldManager("writer").serverSideApply();
        assertThat(applied.getData()).containsExactly(Map.entry("a", "1"));
    }
}
