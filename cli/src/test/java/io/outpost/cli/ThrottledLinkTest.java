package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.agent.node.NodeStatusReporter;
import io.outpost.scheduler.plugins.linkquality.LinkQuality;

/**
 * An agent in this JVM behind a 2 Mbit/s link ({@link LinkProxy} throttled towards the node)
 * measures the link's bandwidth from a large ConfigMap the server sends it, with no traffic of
 * its own, and reports it on its Node in the annotation and unit the scheduler's LinkQuality
 * plugin reads. The waits are failsafes: the metadata loop looks at the link every 30 s.
 */
class ThrottledLinkTest {

    static final long LINK_BITS_PER_SECOND = 2_000_000;

    @TempDir
    Path dir;

    @Test
    void theNodeReportsTheBandwidthOfItsLinkAfterALargeConfigMapWithinThirtyPercent() throws Exception {
        assertThat(NodeStatusReporter.BANDWIDTH_ANNOTATION).as("what the scheduler reads").isEqualTo(LinkQuality.BANDWIDTH_ANNOTATION);
        try (ServerFixture server = ServerFixture.start(dir);
             LinkProxy link = LinkProxy.to(server.port())) {
            link.throttleDownstream(LINK_BITS_PER_SECOND);
            KubernetesClient client = server.client();
            String token = Files.readString(server.dataDir().resolve(NodeToken.FILE)).strip();
            AgentConfig config = new AgentConfig(URI.create("https://127.0.0.1:" + link.port()), Optional.of(token), "slow-1",
                    dir.resolve("agent"), AgentConfig.AgentRuntime.SIMULATED, "", Map.of());
            try (Agent agent = new Agent(config)) {
                agent.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> agent.sync().connected());
                assertThat(agent.sync().bandwidthKbps()).as("no large message yet").isEqualTo(-1);

                // About 900 kB of random text: it deflates to about 680 kB on the link, 2.7 s at 2 Mbit/s.
                byte[] noise = new byte[660 * 1024];
                new Random(7).nextBytes(noise);
                client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("big")
                        .endMetadata().addToData("blob", Base64.getEncoder().encodeToString(noise)).build()).create();
                client.pods().resource(TunnelTest.pod("uses-big", "slow-1", "big")).create();

                await().atMost(Duration.ofSeconds(90)).until(() -> bandwidth(client) != null);
                long kbps = Long.parseLong(bandwidth(client));
                assertThat(kbps).as("kbit/s reported for a %d kbit/s link", LINK_BITS_PER_SECOND / 1000)
                        .isBetween(LINK_BITS_PER_SECOND / 1000 * 70 / 100, LINK_BITS_PER_SECOND / 1000 * 130 / 100);
            }
        }
    }

    private static String bandwidth(KubernetesClient client) {
        Node node = client.nodes().withName("slow-1").get();
        return node == null || node.getMetadata().getAnnotations() == null ? null
                : node.getMetadata().getAnnotations().get(LinkQuality.BANDWIDTH_ANNOTATION);
    }
}
