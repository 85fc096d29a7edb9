package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * A fabric8 {@link SharedIndexInformer} on configmaps against the real server: it lists, then
 * watches, and its handler sees adds, updates and deletes. When the server goes away and comes
 * back on the same port and data dir, the informer's watch is closed under it; it must
 * reconnect (resuming from its last resourceVersion or re-listing) and keep its cache right.
 */
class Fabric8InformerTest {

    private static final Duration EVENT_WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private Server server;
    private KubernetesClient client;
    private SharedIndexInformer<ConfigMap> informer;

    @AfterEach
    void stop() {
        if (informer != null) {
            informer.close();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * Records the handler's calls as "ADD name", "UPDATE name v=value", "DELETE name", but for the
     * root CA publisher's {@code kube-root-ca.crt}, which every namespace gets as in kube.
     */
    private static final class Recorder implements ResourceEventHandler<ConfigMap> {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onAdd(ConfigMap cm) {
            if (ours(cm)) {
                events.add("ADD " + cm.getMetadata().getName());
            }
        }

        @Override
        public void onUpdate(ConfigMap old, ConfigMap cm) {
            // A resync replays an unchanged object as an update; only real changes count here.
            if (ours(cm) && !old.getMetadata().getResourceVersion().equals(cm.getMetadata().getResourceVersion())) {
                events.add("UPDATE " + cm.getMetadata().getName() + " v=" + cm.getData().get("v"));
            }
        }

        @Override
        public void onDelete(ConfigMap cm, boolean deletedFinalStateUnknown) {
            if (ours(cm)) {
                events.add("DELETE " + cm.getMetadata().getName());
            }
        }
    }

    private static boolean ours(ConfigMap cm) {
        return !cm.getMetadata().getName().equals("kube-root-ca.crt");
    }

    private static ConfigMap configMap(String name, String value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("watched").endMetadata()
                .withData(Map.of("v", value)).build();
    }

    private void startServer(int port) throws Exception {
        server = new Server(new ServerConfig(dir.resolve("data"), new Datastore.Sqlite()).withPort(port).withoutLocalAgent());
        server.start();
    }

    // fabric8 (every HTTP client) opens watches as WebSocket upgrades (GET ...?watch=true with
    // Upgrade: websocket), as kube-apiserver accepts them.
    @Test
    void anInformerSeesAddsUpdatesAndDeletesAndKeepsWatchingAfterTheServerRestarts() throws Exception {
        startServer(0);
        int port = server.apiPort();
        client = ServerFixture.fabric8(dir.resolve("data"));
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("watched").endMetadata().build())
                .create();
        var configMaps = client.configMaps().inNamespace("watched");
        configMaps.resource(configMap("before", "0")).create();

        Recorder recorder = new Recorder();
        informer = configMaps.inform(recorder, 0);
        assertThat(informer.hasSynced()).isTrue();
        await().atMost(EVENT_WAIT).until(() -> recorder.events.contains("ADD before"));

        configMaps.resource(configMap("live", "1")).create();
        configMaps.withName("live").edit(cm -> new ConfigMapBuilder(cm).withData(Map.of("v", "2")).build());
        configMaps.withName("before").delete();
        await().atMost(EVENT_WAIT).untilAsserted(() -> assertThat(recorder.events)
                .containsExactly("ADD before", "ADD live", "UPDATE live v=2", "DELETE before"));

        // The server stops: the informer's watch ends under it. It comes back on the same port
        // with the same data, so the same kubeconfig works.
        server.close();
        startServer(port);

        configMaps.resource(configMap("after", "3")).create();
        configMaps.withName("live").edit(cm -> new ConfigMapBuilder(cm).withData(Map.of("v", "4")).build());
        await().atMost(EVENT_WAIT).untilAsserted(() -> assertThat(recorder.events)
                .endsWith("ADD after", "UPDATE live v=4"));
        assertThat(informer.isWatching()).isTrue();
        assertThat(informer.getStore().list().stream().filter(Fabric8InformerTest::ours))
                .extracting(cm -> cm.getMetadata().getName() + "=" + cm.getData().get("v"))
                .containsExactlyInAnyOrder("live=4", "after=3");
    }
}
