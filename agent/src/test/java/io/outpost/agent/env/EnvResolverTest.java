package io.outpost.agent.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.outpost.agent.testing.InMemoryDesiredState;

import org.junit.jupiter.api.Test;

class EnvResolverTest {

    private final InMemoryDesiredState desired = new InMemoryDesiredState()
            .put(new ConfigMapBuilder().withNewMetadata().withNamespace("ns").withName("cfg").endMetadata()
                    .addToData("MODE", "fast").addToData("LEVEL", "3").addToData("bad key", "x").build())
            .put(new SecretBuilder().withNewMetadata().withNamespace("ns").withName("creds").endMetadata()
                    .addToData("PASSWORD", Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8))).build());
    private final EnvResolver resolver = new EnvResolver(desired, new DownwardApi("10.0.0.1", "10.0.0.1", new NodeAllocatable(4000, 8L << 30)));

    private Pod pod(Container c) {
        return new PodBuilder().withNewMetadata().withNamespace("ns").withName("web").withUid("u-1").addToLabels("app", "shop").endMetadata()
                .withNewSpec().withNodeName("edge-1").withServiceAccountName("sa").addToContainers(c).endSpec().build();
    }

    @Test
    void envFromComesFirstWithItsPrefixAndEnvEntriesOverrideAndExpandWhatCameBefore() throws ConfigError {
        Container c = new ContainerBuilder().withName("main")
                .addNewEnvFrom().withPrefix("CFG_").withNewConfigMapRef().withName("cfg").endConfigMapRef().endEnvFrom()
                .addNewEnvFrom().withNewSecretRef().withName("creds").endSecretRef().endEnvFrom()
                .addNewEnv().withName("CFG_MODE").withValue("slow").endEnv()
                .addNewEnv().withName("URL").withValue("db://$(PASSWORD)@$(CFG_MODE)/$(LATER)").endEnv()
                .addNewEnv().withName("LATER").withValue("x").endEnv()
                .build();
        EnvResolver.Resolved r = resolver.resolve(pod(c), c);
        assertThat(r.env()).containsEntry("CFG_LEVEL", "3").containsEntry("PASSWORD", "s3cret").containsEntry("CFG_MODE", "slow")
                .containsEntry("URL", "db://s3cret@slow/$(LATER)");
        assertThat(r.invalidKeys()).containsExactly("CFG_bad key");
    }

    @Test
    void fieldRefsAndResourceFieldRefsAnswerTheDownwardApi() throws ConfigError {
        Container c = new ContainerBuilder().withName("main")
                .withNewResources().addToLimits("memory", new Quantity("64Mi")).addToRequests("cpu", new Quantity("250m")).endResources()
                .addNewEnv().withName("NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("APP").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.labels['app']").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("NODE").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("MEM_MI").withNewValueFrom().withNewResourceFieldRef().withResource("limits.memory")
                .withDivisor(new Quantity("1Mi")).endResourceFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("CPU_REQ_M").withNewValueFrom().withNewResourceFieldRef().withResource("requests.cpu")
                .withDivisor(new Quantity("1m")).endResourceFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("CPU_LIMIT").withNewValueFrom().withNewResourceFieldRef().withResource("limits.cpu")
                .endResourceFieldRef().endValueFrom().endEnv()
                .build();
        Map<String, String> env = resolver.resolve(pod(c), c).env();
        assertThat(env).containsEntry("NAME", "web").containsEntry("APP", "shop").containsEntry("NODE", "edge-1").containsEntry("IP", "10.0.0.1")
                .containsEntry("MEM_MI", "64").containsEntry("CPU_REQ_M", "250")
                .as("no CPU limit: the node's allocatable").containsEntry("CPU_LIMIT", "4");
    }

    @Test
    void aMissingConfigMapIsAConfigErrorUnlessOptional() throws ConfigError {
        Container required = new ContainerBuilder().withName("main").addNewEnv().withName("X").withNewValueFrom().withNewConfigMapKeyRef()
                .withName("absent").withKey("k").endConfigMapKeyRef().endValueFrom().endEnv().build();
        assertThatThrownBy(() -> resolver.resolve(pod(required), required)).isInstanceOf(ConfigError.class)
                .hasMessage("configmap \"absent\" not found");

        Container missingKey = new ContainerBuilder().withName("main").addNewEnv().withName("X").withNewValueFrom().withNewConfigMapKeyRef()
                .withName("cfg").withKey("nope").endConfigMapKeyRef().endValueFrom().endEnv().build();
        assertThatThrownBy(() -> resolver.resolve(pod(missingKey), missingKey)).hasMessage("couldn't find key nope in ConfigMap ns/cfg");

        Container optional = new ContainerBuilder().withName("main").addNewEnv().withName("X").withNewValueFrom().withNewSecretKeyRef()
                .withName("absent").withKey("k").withOptional(true).endSecretKeyRef().endValueFrom().endEnv().build();
        assertThat(resolver.resolve(pod(optional), optional).env()).doesNotContainKey("X");
    }
}
