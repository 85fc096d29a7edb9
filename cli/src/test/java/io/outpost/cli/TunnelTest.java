package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.agent.sync.EdgeSync;
import io.outpost.apiserver.pki.ClusterPki;
import io.outpost.apiserver.tunnel.TunnelEndpoint;

/**
 * The tunnel end to end: the real server in this JVM (SQLite, HTTPS on a free port) and the
 * agent's sync layer ({@link EdgeSync}) with a node certificate, over a real mTLS WebSocket.
 */
class TunnelTest {

    @TempDir
    static Path dir;

    static Server server;
    static int port;
    static ClusterPki pki;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        port = EdgeFixture.freePort();
        server = new Server(new ServerConfig(dir.resolve("server"), new Datastore.Sqlite()).withPort(port).withoutLocalAgent());
        server.start();
        pki = server.api().pki();
        client = ServerFixture.fabric8(dir.resolve("server"));
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static Pod pod(String name, String node, String... configMaps) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
                .withLabels(new java.util.HashMap<>(Map.of("app", name))).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("busybox").endContainer().endSpec();
        for (String cm : configMaps) {
            b.editSpec().addNewVolume().withName("v-" + cm).withNewConfigMap().withName(cm).endConfigMap().endVolume().endSpec();
        }
        return b.build();
    }

    @Test
    void aPodBoundToTheNodeArrivesAndIsPersisted() throws Exception {
        Path data = dir.resolve("edge-persist");
        try (EdgeSync edge = EdgeFixture.start(pki, port, "persist-1", data)) {
            client.pods().resource(pod("web-persist", "persist-1")).create();
            await().atMost(20, TimeUnit.SECONDS).until(() -> names(edge).contains("web-persist"));
        }
        // Read back from the local store alone: a server that does not answer.
        try (EdgeSync offline = EdgeFixture.start(pki, EdgeFixture.freePort(), "persist-1", data)) {
            assertThat(names(offline)).containsExactly("web-persist");
            assertThat(offline.connected()).isFalse();
        }
    }

    @Test
    void aReferencedConfigMapAndSecretArriveAndAnUnreferencedOneNever() throws Exception {
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("used").withNamespace("default")
                .endMetadata().withData(Map.of("k", "v")).build()).create();
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("unused").withNamespace("default")
                .endMetadata().withData(Map.of("k", "v")).build()).create();
        client.secrets().resource(new SecretBuilder().withNewMetadata().withName("pull").withNamespace("default")
                .endMetadata().withStringData(Map.of("k", "v")).build()).create();
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("later").withNamespace("default")
                .endMetadata().withData(Map.of("k", "v")).build()).create();
        Pod p = pod("web-refs", "refs-1", "used");
        p.getSpec().setImagePullSecrets(List.of(new io.fabric8.kubernetes.api.model.LocalObjectReference("pull")));
        client.pods().resource(p).create();
        try (EdgeSync edge = EdgeFixture.start(pki, port, "refs-1", dir.resolve("edge-refs"))) {
            await().atMost(20, TimeUnit.SECONDS).until(() -> edge.desiredState().configMap("default", "used").isPresent()
                    && edge.desiredState().secret("default", "pull").isPresent());
            // A change of a referenced object follows it.
            client.configMaps().inNamespace("default").withName("used").edit(cm -> {
                cm.setData(Map.of("k", "v2"));
                return cm;
            });
            await().atMost(20, TimeUnit.SECONDS).until(() -> edge.desiredState().configMap("default", "used")
                    .map(cm -> "v2".equals(cm.getData().get("k"))).orElse(false));
            // A reference that appears brings its object.
            client.pods().resource(pod("web-later", "refs-1", "later")).create();
            await().atMost(20, TimeUnit.SECONDS).until(() -> edge.desiredState().configMap("default", "later").isPresent());
            // A reference that goes: the agent drops the object.
            client.pods().inNamespace("default").withName("web-later").withGracePeriod(0).delete();
            await().atMost(20, TimeUnit.SECONDS).until(() -> edge.desiredState().configMap("default", "later").isEmpty());
            assertThat(edge.desiredState().configMap("default", "unused")).isEmpty();
        }
    }

    @Test
    void anotherNodesCertificateNeverSeesThisNodesPods() throws Exception {
        client.pods().resource(pod("mine", "iso-1")).create();
        client.pods().resource(pod("theirs", "iso-2")).create();
        try (EdgeSync one = EdgeFixture.start(pki, port, "iso-1", dir.resolve("edge-iso-1"));
             EdgeSync two = EdgeFixture.start(pki, port, "iso-2", dir.resolve("edge-iso-2"))) {
            await().atMost(20, TimeUnit.SECONDS).until(() -> names(one).contains("mine") && names(two).contains("theirs"));
            assertThat(names(one)).containsExactly("mine");
            assertThat(names(two)).containsExactly("theirs");
        }
    }

    @Test
    void aClientThatIsNotTheNodeGetsForbidden() throws Exception {
        URI uri = URI.create("wss://127.0.0.1:" + port + TunnelEndpoint.connectPath("iso-1"));
        assertThat(handshakeStatus(EdgeFixture.sslContext(pki, pki.admin()), uri)).isEqualTo(403);
        assertThat(handshakeStatus(EdgeFixture.sslContext(pki,
                EdgeFixture.identity(pki, "system:node:iso-2", List.of("system:nodes"))), uri)).isEqualTo(403);
        assertThat(handshakeStatus(EdgeFixture.sslContext(pki, EdgeFixture.identity(pki, "system:node:iso-1", List.of())), uri))
                .isEqualTo(403);
        assertThat(handshakeStatus(EdgeFixture.sslContext(pki, null), uri)).isEqualTo(401);
    }

    @Test
    void theNodeAskingWithoutAWebSocketUpgradeGetsABadRequestStatus() throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(EdgeFixture.sslContext(pki,
                EdgeFixture.identity(pki, "system:node:iso-1", List.of("system:nodes")))).build();
        try (http) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                    + TunnelEndpoint.connectPath("iso-1"))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains("\"kind\":\"Status\"").contains("WebSocket upgrade");
        }
    }

    @Test
    void theAgentSaysWhichDataDirItCannotUse() throws Exception {
        Path data = dir.resolve("edge-locked");
        try (EdgeSync first = EdgeFixture.start(pki, port, "locked-1", data)) {
            assertThatThrownBy(() -> EdgeFixture.start(pki, port, "locked-1", data))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("--data-dir " + data);
        }
    }

    @Test
    void theFirstNodeStatusRegistersTheNodeAndHeartbeatsRenewItsLease() throws Exception {
        try (EdgeSync edge = EdgeFixture.start(pki, port, "reg-1", dir.resolve("edge-reg"))) {
            edge.statusSink().nodeStatus(new NodeStatusBuilder().addNewCondition().withType("Ready").withStatus("True")
                    .withReason("KubeletReady").endCondition().withNewNodeInfo().withArchitecture("arm64")
                    .withOperatingSystem("linux").endNodeInfo().build());
            await().atMost(20, TimeUnit.SECONDS).until(() -> client.nodes().withName("reg-1").get() != null
                    && client.nodes().withName("reg-1").get().getStatus().getConditions().size() == 1);
            assertThat(client.nodes().withName("reg-1").get().getMetadata().getLabels())
                    .containsEntry("kubernetes.io/arch", "arm64").containsEntry("kubernetes.io/hostname", "reg-1");
            // The Node comes down the tunnel too.
            await().atMost(20, TimeUnit.SECONDS).until(() -> edge.desiredState().node().isPresent());
            Lease first = client.leases().inNamespace("kube-node-lease").withName("reg-1").get();
            assertThat(first.getSpec().getHolderIdentity()).isEqualTo("reg-1");
            assertThat(first.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
            await().atMost(20, TimeUnit.SECONDS).until(() -> !client.leases().inNamespace("kube-node-lease").withName("reg-1").get()
                    .getSpec().getRenewTime().equals(first.getSpec().getRenewTime()));
        }
    }

    @Test
    void podStatusIsPatchedAndTerminatedPodsAreDeleted() throws Exception {
        client.pods().resource(pod("web-status", "status-1")).create();
        try (EdgeSync edge = EdgeFixture.start(pki, port, "status-1", dir.resolve("edge-status"))) {
            await().atMost(20, TimeUnit.SECONDS).until(() -> names(edge).contains("web-status"));
            Pod held = edge.desiredState().pods().getFirst();
            edge.statusSink().podStatus("default", "web-status", held.getMetadata().getUid(),
                    new PodStatusBuilder().withPhase("Running").withPodIP("10.0.0.7").build());
            await().atMost(20, TimeUnit.SECONDS).until(() -> "Running".equals(
                    client.pods().inNamespace("default").withName("web-status").get().getStatus().getPhase()));
            Pod onServer = client.pods().inNamespace("default").withName("web-status").get();
            assertThat(onServer.getMetadata().getManagedFields())
                    .anyMatch(f -> f.getManager().equals("outpost-agent") && "status".equals(f.getSubresource()));
            // The status coming back is only a Touch: the agent records the version, not the status it reported.
            await().atMost(20, TimeUnit.SECONDS).until(() -> edge.desiredState().pods().getFirst().getMetadata()
                    .getResourceVersion().equals(onServer.getMetadata().getResourceVersion()));
            assertThat(edge.desiredState().pods().getFirst().getStatus() == null
                    || edge.desiredState().pods().getFirst().getStatus().getPhase() == null
                    || !edge.desiredState().pods().getFirst().getStatus().getPhase().equals("Running")).isTrue();
            edge.statusSink().event(new io.fabric8.kubernetes.api.model.events.v1.EventBuilder().withReason("Started")
                    .withNote("Started container c").withType("Normal").withReportingController("outpost-agent")
                    .withReportingInstance("status-1").withAction("Start").withNewRegarding().withKind("Pod")
                    .withNamespace("default").withName("web-status").withUid(held.getMetadata().getUid()).endRegarding().build());
            await().atMost(20, TimeUnit.SECONDS).until(() -> client.v1().events().inNamespace("default").list().getItems().stream()
                    .anyMatch(e -> "Started".equals(e.getReason()) && "web-status".equals(e.getInvolvedObject().getName())
                            && "Started container c".equals(e.getMessage()) && "status-1".equals(e.getSource().getHost())));
            client.pods().inNamespace("default").withName("web-status").delete();
            edge.statusSink().podTerminated("default", "web-status", held.getMetadata().getUid());
            await().atMost(20, TimeUnit.SECONDS).until(() -> client.pods().inNamespace("default").withName("web-status").get() == null);
            await().atMost(20, TimeUnit.SECONDS).until(() -> !names(edge).contains("web-status"));
        }
    }

    @Test
    void metricsCountBytesAndFramesPerNode() throws Exception {
        try (EdgeSync edge = EdgeFixture.start(pki, port, "metrics-1", dir.resolve("edge-metrics"))) {
            await().atMost(20, TimeUnit.SECONDS).until(() -> server.api().tunnelMetrics().frames("metrics-1", true) > 0);
        }
        String text = client.raw("/metrics");
        assertThat(text).contains("# TYPE outpost_tunnel_wire_bytes_total counter")
                .containsPattern("outpost_tunnel_wire_bytes_total\\{node=\"metrics-1\",direction=\"downstream\"} [1-9]")
                .containsPattern("outpost_tunnel_frames_total\\{node=\"metrics-1\",direction=\"upstream\"} [1-9]");
    }

    static List<String> names(EdgeSync edge) {
        return edge.desiredState().pods().stream().map(p -> p.getMetadata().getName()).sorted().toList();
    }

    static int handshakeStatus(javax.net.ssl.SSLContext tls, URI uri) {
        HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
        try {
            assertThatThrownBy(() -> http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { }).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
            try {
                http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() { }).join();
            } catch (CompletionException e) {
                return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
            }
            return 101;
        } finally {
            http.close();
        }
    }

    static Duration failsafe() {
        return Duration.ofSeconds(20);
    }
}
