package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.agent.sync.EdgeSync;
import io.outpost.agent.sync.EdgeSyncConfig;
import io.outpost.apiserver.tunnel.TunnelMetrics;
import io.outpost.api.Codec;

/**
 * The tunnel across outages: the server stopped and started again on the same port and data,
 * the agent stopped and started again on the same data dir; what crosses the link on resume
 * (bytes counted on the server's TLS socket).
 */
class TunnelResumeTest {

    private static final Codec CODEC = new Codec();

    @TempDir
    Path dir;

    Server server;
    KubernetesClient client;
    int port;

    void startServer() throws Exception {
        if (port == 0) {
            port = EdgeFixture.freePort();
        }
        server = new Server(new ServerConfig(dir.resolve("server"), new Datastore.Sqlite()).withPort(port).withoutLocalAgent());
        server.start();
        client = ServerFixture.fabric8(dir.resolve("server"));
    }

    void stopServer() {
        client.close();
        server.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            stopServer();
        }
    }

    /** Slow heartbeats, so that a measured resume carries nothing else. */
    EdgeSync edge(String node) throws Exception {
        EdgeSyncConfig config = EdgeFixture.config(server.api().pki(), port, node, dir.resolve("edge"))
                .withHeartbeat(Duration.ofSeconds(30), Duration.ofSeconds(90));
        return EdgeSync.start(config);
    }

    @Test
    void statusReportedWhileTheServerIsDownArrivesAfterItRestartsAcrossAnAgentRestart() throws Exception {
        startServer();
        client.pods().resource(TunnelTest.pod("web", "n1")).create();
        EdgeSync edge = edge("n1");
        await().atMost(20, TimeUnit.SECONDS).until(() -> TunnelTest.names(edge).contains("web"));
        String uid = edge.desiredState().pods().getFirst().getMetadata().getUid();
        stopServer();
        await().atMost(20, TimeUnit.SECONDS).until(() -> !edge.connected());
        edge.statusSink().podStatus("default", "web", uid, new PodStatusBuilder().withPhase("Pending").build());
        edge.statusSink().podStatus("default", "web", uid, new PodStatusBuilder().withPhase("Running").build());
        edge.close();
        // The agent restarts while the server is still down: the report waits in its store.
        EdgeSync restarted = edge("n1");
        startServer();
        await().atMost(30, TimeUnit.SECONDS).until(() -> "Running".equals(
                client.pods().inNamespace("default").withName("web").get().getStatus().getPhase()));
        restarted.close();
    }

    @Test
    void aResumeAfterAGapSendsOnlyTheChangesAndACompactedGapOnlyTheDifference() throws Exception {
        startServer();
        for (int i = 0; i < 20; i++) {
            client.pods().resource(withoutToken(TunnelTest.pod("web-" + i, "n1"))).create();
        }
        TunnelMetrics metrics = server.api().tunnelMetrics();
        try (EdgeSync edge = edge("n1")) {
            await().atMost(20, TimeUnit.SECONDS).until(() -> edge.desiredState().pods().size() == 20);
        }
        long unchanged = resumeBytes(metrics, () -> { });
        int changedSize = CODEC.toJson(client.pods().inNamespace("default").withName("web-7").get()).length;
        long oneChanged = resumeBytes(metrics, () -> client.pods().inNamespace("default").withName("web-7")
                .edit(p -> label(p, "v", "2")));
        assertThat(oneChanged - unchanged).as("a replay of one changed pod of %d bytes", changedSize)
                .isLessThan(changedSize).isPositive();
        try (EdgeSync edge = edge("n1")) {
            await().atMost(20, TimeUnit.SECONDS).until(() -> labelOf(edge, "web-7").equals("2"));
        }
        // Compacted: the deletion's event is gone; only the digest can tell the agent.
        long compacted = resumeBytes(metrics, () -> {
            client.pods().inNamespace("default").withName("web-3").edit(p -> label(p, "v", "3"));
            client.pods().inNamespace("default").withName("web-4").withGracePeriod(0).delete();
            await().atMost(20, TimeUnit.SECONDS).until(() -> client.pods().inNamespace("default").withName("web-4").get() == null);
            server.store().compact(server.store().currentRevision());
        });
        try (EdgeSync edge = edge("n1")) {
            await().atMost(20, TimeUnit.SECONDS).until(() -> labelOf(edge, "web-3").equals("3"));
            assertThat(TunnelTest.names(edge)).hasSize(19).doesNotContain("web-4");
        }
        assertThat(compacted - unchanged).as("a digest of 20 pods and one changed pod of %d bytes", changedSize)
                .isLessThan(2L * changedSize);
        System.out.printf("resume bytes on the TLS socket: unchanged %d, one pod of %d changed %d, compacted %d%n",
                unchanged, changedSize, oneChanged, compacted);
    }

    /**
     * Without a service-account token: tokens are not revisioned, and whether a reconnect sends one
     * depends on how far the agent's resume point had moved past it (TunnelTokenResumeTest); these
     * byte counts are about the revisioned objects.
     */
    static io.fabric8.kubernetes.api.model.Pod withoutToken(io.fabric8.kubernetes.api.model.Pod pod) {
        pod.getSpec().setAutomountServiceAccountToken(false);
        return pod;
    }

    /** The bytes (both ways) of one reconnect after {@code gap} happened while the agent was away. */
    long resumeBytes(TunnelMetrics metrics, Runnable gap) throws Exception {
        gap.run();
        long target = server.store().currentRevision();
        long before = metrics.wireBytes("n1", true) + metrics.wireBytes("n1", false);
        try (EdgeSync edge = edge("n1")) {
            await().atMost(20, TimeUnit.SECONDS).until(() -> edge.revision() >= target);
        }
        await().atMost(20, TimeUnit.SECONDS).until(() -> !server.api().tunnelMetrics().text().contains("connected{node=\"n1\"} 1"));
        return metrics.wireBytes("n1", true) + metrics.wireBytes("n1", false) - before;
    }

    static Pod label(Pod p, String k, String v) {
        p.getMetadata().getLabels().put(k, v);
        return p;
    }

    static String labelOf(EdgeSync edge, String pod) {
        return edge.desiredState().pods().stream().filter(p -> p.getMetadata().getName().equals(pod)).findFirst()
                .map(p -> p.getMetadata().getLabels() == null ? "" : p.getMetadata().getLabels().getOrDefault("v", "")).orElse("");
    }
}
