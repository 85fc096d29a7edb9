package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.reflect.TypeToken;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.Watch;

/**
 * The official Kubernetes Java client (client-java, generated from kube's OpenAPI; okhttp and
 * gson) against the whole server in this JVM through the admin kubeconfig: CoreV1Api and
 * AppsV1Api calls and a {@link Watch} on configmaps.
 */
class OfficialJavaClientTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static ApiClient client;
    static CoreV1Api core;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        try (Reader kubeconfig = Files.newBufferedReader(dir.resolve("data/admin.kubeconfig"))) {
            client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(kubeconfig)).build();
        }
        // A watch is a long response: no read timeout (the client's documented set-up for Watch).
        client.setHttpClient(client.getHttpClient().newBuilder().readTimeout(0, TimeUnit.SECONDS).build());
        core = new CoreV1Api(client);
        core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name("official"))).execute();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static V1ConfigMap configMap(String name, Map<String, String> labels, String value) {
        return new V1ConfigMap().metadata(new V1ObjectMeta().name(name).labels(labels)).data(Map.of("v", value));
    }

    @Test
    void configMapsAreCreatedReadListedAndDeleted() throws Exception {
        V1ConfigMap created = core.createNamespacedConfigMap("official", configMap("one", Map.of("tier", "edge"), "1"))
                .execute();
        core.createNamespacedConfigMap("official", configMap("two", Map.of("tier", "cloud"), "2")).execute();
        assertThat(created.getMetadata().getNamespace()).isEqualTo("official");
        assertThat(created.getMetadata().getCreationTimestamp()).isNotNull();

        assertThat(core.readNamespacedConfigMap("one", "official").execute().getData()).containsEntry("v", "1");
        assertThat(core.listNamespacedConfigMap("official").labelSelector("tier=edge").execute().getItems())
                .extracting(cm -> cm.getMetadata().getName()).containsExactly("one");

        core.deleteNamespacedConfigMap("one", "official").execute();
        assertThatThrownBy(() -> core.readNamespacedConfigMap("one", "official").execute())
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        core.deleteNamespacedConfigMap("two", "official").execute();
    }

    @Test
    void aDeploymentIsCreatedWithKubesDefaults() throws Exception {
        V1Deployment created = new AppsV1Api(client).createNamespacedDeployment("official", new V1Deployment()
                .metadata(new V1ObjectMeta().name("web"))
                .spec(new V1DeploymentSpec()
                        .selector(new V1LabelSelector().matchLabels(Map.of("app", "web")))
                        .template(new V1PodTemplateSpec()
                                .metadata(new V1ObjectMeta().labels(Map.of("app", "web")))
                                .spec(new V1PodSpec().containers(List.of(new V1Container().name("web").image("nginx:1.27")))))))
                .execute();

        assertThat(created.getSpec().getReplicas()).isEqualTo(1);
        assertThat(created.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(new AppsV1Api(client).readNamespacedDeployment("web", "official").execute().getMetadata().getUid())
                .isEqualTo(created.getMetadata().getUid());
    }

    @Test
    void aWatchOnConfigMapsReceivesAddedModifiedAndDeleted() throws Exception {
        String from = core.listNamespacedConfigMap("official").execute().getMetadata().getResourceVersion();
        List<String> seen = new ArrayList<>();
        try (Watch<V1ConfigMap> watch = Watch.createWatch(client,
                core.listNamespacedConfigMap("official").labelSelector("watched=yes").watch(true)
                        .resourceVersion(from).timeoutSeconds(60).buildCall(null),
                new TypeToken<Watch.Response<V1ConfigMap>>() { }.getType())) {
            core.createNamespacedConfigMap("official", configMap("w", Map.of("watched", "yes"), "1")).execute();
            core.replaceNamespacedConfigMap("w", "official", core.readNamespacedConfigMap("w", "official").execute()
                    .data(Map.of("v", "2"))).execute();
            core.deleteNamespacedConfigMap("w", "official").execute();

            // The watch started at "from": these three events are already on their way; the
            // iterator blocks until each arrives (or the server's 60 s timeout ends the watch).
            for (Watch.Response<V1ConfigMap> event : watch) {
                seen.add(event.type + " " + event.object.getMetadata().getName() + " v=" + event.object.getData().get("v"));
                if (seen.size() == 3) {
                    break;
                }
            }
        }
        assertThat(seen).containsExactly("ADDED w v=1", "MODIFIED w v=2", "DELETED w v=2");
    }
}
