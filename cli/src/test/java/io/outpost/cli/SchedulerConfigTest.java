package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * {@code outpost server --scheduler-config FILE}: a KubeSchedulerConfiguration with a second
 * profile serves the pods that name it in {@code spec.schedulerName}; a bad file is a usage error
 * naming the flag, the file and the field.
 */
class SchedulerConfigTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String CONFIG = """
            apiVersion: kubescheduler.config.k8s.io/v1
            kind: KubeSchedulerConfiguration
            profiles:
            - schedulerName: default-scheduler
            - schedulerName: edge-scheduler
              plugins:
                score:
                  disabled: [{name: "*"}]
                  enabled: [{name: LinkQuality, weight: 5}]
            """;

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        Path file = Files.writeString(dir.resolve("scheduler.yaml"), CONFIG);
        server = ServerFixture.start(dir, c -> ServerFixture.nodesWithoutAgents(c).withSchedulerConfig(file));
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("sched").endMetadata().build()).create();
        SchedulerIntegrationTest.node(client, "worker", "4", null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Pod pod(String name, String schedulerName) {
        return SchedulerIntegrationTest.pod(name, "1").edit().editSpec().withSchedulerName(schedulerName).endSpec().build();
    }

    @Test
    void aPodNamingTheSecondProfileIsScheduledByIt() {
        client.pods().inNamespace("sched").resource(pod("edge-app", "edge-scheduler")).create();
        client.pods().inNamespace("sched").resource(pod("default-app", "default-scheduler")).create();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.pods().inNamespace("sched").withName("edge-app").get().getSpec().getNodeName()).isEqualTo("worker");
            assertThat(client.pods().inNamespace("sched").withName("default-app").get().getSpec().getNodeName()).isEqualTo("worker");
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace("sched").list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("Scheduled");
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("edge-app");
                    assertThat(e.getSource().getComponent()).as("the profile reports its events").isEqualTo("edge-scheduler");
                }));
    }

    @Test
    void aPodNamingNoProfileIsLeftForItsOwnScheduler() throws InterruptedException {
        client.pods().inNamespace("sched").resource(pod("other", "someone-elses-scheduler")).create();
        client.pods().inNamespace("sched").resource(pod("marker", "edge-scheduler")).create();
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(client.pods().inNamespace("sched").withName("marker").get().getSpec().getNodeName()).isNotNull());
        assertThat(client.pods().inNamespace("sched").withName("other").get().getSpec().getNodeName()).isNull();
    }

    @Test
    void aBadFileNamesTheFlagTheFileAndTheField(@TempDir Path tmp) throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), CONFIG.replace("LinkQuality", "LinkQualty"));

        Cli cli = Cli.run("server", "--data-dir", tmp.resolve("data").toString(), "--scheduler-config", bad.toString());

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("outpost server: --scheduler-config: " + bad
                        + ": profiles[1].plugins.score.enabled[0].name: Unsupported plugin \"LinkQualty\"",
                "Fix the file, or leave the flag out").doesNotContain("\tat ");
    }

    @Test
    void twoProfilesWithOneNameAreRefused(@TempDir Path tmp) throws IOException {
        Path bad = Files.writeString(tmp.resolve("dup.yaml"), CONFIG.replace("edge-scheduler", "default-scheduler"));

        Cli cli = Cli.run("server", "--data-dir", tmp.resolve("data").toString(), "--scheduler-config", bad.toString());

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("--scheduler-config: " + bad + ": profiles[1].schedulerName: Duplicate value: "
                + "\"default-scheduler\"").doesNotContain("\tat ");
    }

    @Test
    void aMissingFileGivenByTheEnvironmentTwinIsNamed(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope.yaml");

        Cli cli = Cli.run(Cli.user(Map.of("OUTPOST_SCHEDULER_CONFIG", missing.toString())), "server", "--data-dir",
                tmp.resolve("data").toString());

        assertThat(cli.exitCode()).isEqualTo(2);
        assertThat(cli.err()).contains("--scheduler-config: " + missing + ": cannot read the scheduler configuration")
                .doesNotContain("\tat ");
    }
}
