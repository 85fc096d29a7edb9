package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A reconnect does not send the pods' service-account tokens again when the agent holds them (the
 * server's TokenLedger, from the agent's resume point): before, every reconnect minted and sent
 * every pod's token (about 1 KB a pod). The agent's token is the same JWT after the link came
 * back; a re-minted one would differ (its iat and jti).
 *
 * <p>The agent writes its resume point on its first heartbeat answer and then once a minute, and
 * a token counts as held once that point has passed the token: hence a wait of up to ~80 s.
 */
class TunnelTokenResumeTest {

    private static final String NODE = "tok-1";

    @TempDir
    Path dir;

    @Test
    void aReconnectKeepsTheTokenTheAgentHoldsAndSendsNoNewOne() throws Exception {
        try (ServerFixture server = ServerFixture.start(dir);
             LinkProxy link = LinkProxy.to(server.port())) {
            KubernetesClient client = server.client();
            await().atMost(Duration.ofSeconds(30)).until(() -> client.serviceAccounts().inNamespace("default").withName("default").get() != null);
            String token = Files.readString(server.dataDir().resolve(NodeToken.FILE)).strip();
            AgentConfig config = new AgentConfig(URI.create("https://127.0.0.1:" + link.port()), Optional.of(token), NODE,
                    dir.resolve("agent"), AgentConfig.AgentRuntime.SIMULATED, "", Map.of());
            try (Agent agent = new Agent(config)) {
                agent.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> agent.sync().connected());
                // The ServiceAccount admission gives it the kube-api-access volume with a token source.
                Pod pod = client.pods().resource(TunnelTest.pod("with-token", NODE)).create();
                ServiceAccountTokenProjection source = pod.getSpec().getVolumes().stream()
                        .filter(v -> v.getProjected() != null).flatMap(v -> v.getProjected().getSources().stream())
                        .map(VolumeProjection::getServiceAccountToken).filter(s -> s != null).findFirst().orElseThrow();

                await().atMost(Duration.ofSeconds(60)).until(() -> agent.sync().desiredState().serviceAccountToken(pod, source).isPresent());
                String held = agent.sync().desiredState().serviceAccountToken(pod, source).orElseThrow();
                long revisionWithToken = agent.sync().revision();
                // Its resume point moves past the token (a heartbeat's answer, written once a minute).
                await().atMost(Duration.ofSeconds(100)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> agent.sync().revision() > revisionWithToken);

                long connections = agent.sync().connections();
                link.cut();
                await().atMost(Duration.ofSeconds(30)).until(() -> !agent.sync().connected());
                link.restore();
                await().atMost(Duration.ofSeconds(60)).until(() -> agent.sync().connected() && agent.sync().connections() > connections);
                // Tokens due on a resume are sent after its first poll's changes. Two labels, each
                // awaited on the agent: the second is sent after the poll that carried the first had
                // sent its tokens, and the stream is ordered, so any token sent is there by then.
                for (String round : List.of("1", "2")) {
                    client.pods().inNamespace("default").withName("with-token").edit(p -> {
                        p.getMetadata().getLabels().put("round", round);
                        return p;
                    });
                    await().atMost(Duration.ofSeconds(30)).until(() -> agent.sync().desiredState().pods().stream()
                            .anyMatch(p -> round.equals(p.getMetadata().getLabels().get("round"))));
                }

                assertThat(agent.sync().desiredState().serviceAccountToken(pod, source)).as("the token the agent holds")
                        .contains(held);
            }
        }
    }
}
