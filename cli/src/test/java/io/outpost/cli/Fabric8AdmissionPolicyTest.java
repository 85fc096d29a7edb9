package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBindingBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The fabric8 client's typed ValidatingAdmissionPolicy model against the whole server in this JVM:
 * a policy and binding written with the builders are stored with kube's defaults, enforce their
 * rule on configmaps (the denial is a KubernetesClientException with the Status), and a rule that
 * does not compile is a 422 whose cause names the field.
 */
class Fabric8AdmissionPolicyTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("policed")
                .addToLabels("policed", "true").endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ValidatingAdmissionPolicy policy(String name, String expression) {
        return new ValidatingAdmissionPolicyBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .withNewMatchConstraints().addNewResourceRule().withApiGroups("").withApiVersions("v1")
                .withOperations("CREATE", "UPDATE").withResources("configmaps").endResourceRule().endMatchConstraints()
                .addNewValidation().withExpression(expression).withMessage("configmaps need a size").endValidation()
                .endSpec().build();
    }

    private static ConfigMap configMap(String name, Map<String, String> data) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("policed").endMetadata().withData(data).build();
    }

    @Test
    void aTypedPolicyAndBindingDenyWithTheStatus() {
        ValidatingAdmissionPolicy stored = client.resource(policy("needs-size", "has(object.data) && 'size' in object.data")).create();
        assertThat(stored.getSpec().getFailurePolicy()).isEqualTo("Fail");
        assertThat(stored.getSpec().getMatchConstraints().getMatchPolicy()).isEqualTo("Equivalent");
        client.resource(new ValidatingAdmissionPolicyBindingBuilder().withNewMetadata().withName("needs-size").endMetadata()
                .withNewSpec().withPolicyName("needs-size").withValidationActions("Deny")
                .withNewMatchResources().withNewNamespaceSelector().addToMatchLabels("policed", "true").endNamespaceSelector()
                .endMatchResources().endSpec().build()).create();
        assertThat(client.admissionRegistration().v1().validatingAdmissionPolicies().list().getItems())
                .extracting(p -> p.getMetadata().getName()).contains("needs-size");

        var configMaps = client.configMaps().inNamespace("policed");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                configMaps.resource(configMap("probe", Map.of())).dryRun().create();
                return false;
            } catch (KubernetesClientException e) {
                return true;
            }
        });
        assertThatThrownBy(() -> configMaps.resource(configMap("empty", Map.of())).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
                    assertThat(e.getStatus().getMessage()).isEqualTo("configmaps \"empty\" is forbidden: ValidatingAdmissionPolicy "
                            + "'needs-size' with binding 'needs-size' denied request: configmaps need a size");
                });
        assertThat(configMaps.withName("empty").get()).isNull();
        assertThat(configMaps.resource(configMap("sized", Map.of("size", "small"))).create().getData()).containsKey("size");
    }

    @Test
    void aRuleThatDoesNotCompileIsA422NamingTheField() {
        assertThatThrownBy(() -> client.resource(policy("broken", "object.data.size >")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getDetails().getCauses()).singleElement().satisfies(c -> {
                        assertThat(c.getField()).isEqualTo("spec.validations[0].expression");
                        assertThat(c.getMessage()).contains("compilation failed: ERROR: <input>:1:19: Syntax error:");
                    });
                });
        assertThat(client.admissionRegistration().v1().validatingAdmissionPolicies().withName("broken").get()).isNull();
    }
}
