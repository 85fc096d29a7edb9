package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Two schedulers over one API, as two servers sharing a datastore run them: the server's own and a
 * second candidate with another identity. One leads {@code kube-system/kube-scheduler} and binds;
 * the other waits, and takes over when the leader stops (releasing the Lease on the way out).
 */
class SchedulerLeaderElectionTest {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir, ServerFixture::nodesWithoutAgents);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("le").endMetadata().build()).create();
        SchedulerIntegrationTest.node(client, "worker", "4", null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String nodeOf(String pod) {
        return client.pods().inNamespace("le").withName(pod).get().getSpec().getNodeName();
    }

    @Test
    void oneOfTwoSchedulersActsAndTheOtherTakesOverWhenItStops() {
        Scheduling first = server.server().scheduling();
        await().atMost(WAIT).until(first::active);
        try (Scheduling second = Scheduling.start(new ServerConfig(server.dataDir(), new Datastore.Sqlite()),
                Clock.systemUTC())) {
            client.pods().inNamespace("le").resource(SchedulerIntegrationTest.pod("one", "1")
                    .edit().editMetadata().withNamespace("le").endMetadata().build()).create();
            await().atMost(WAIT).untilAsserted(() -> assertThat(nodeOf("one")).isEqualTo("worker"));
            assertThat(second.active()).as("the second candidate waits while the first leads").isFalse();
            Lease lease = client.leases().inNamespace("kube-system").withName("kube-scheduler").get();
            String leader = lease.getSpec().getHolderIdentity();

            first.close();

            await().atMost(WAIT).until(second::active);
            assertThat(client.leases().inNamespace("kube-system").withName("kube-scheduler").get().getSpec()
                    .getHolderIdentity()).isNotEqualTo(leader).isNotBlank();
            client.pods().inNamespace("le").resource(SchedulerIntegrationTest.pod("two", "1")
                    .edit().editMetadata().withNamespace("le").endMetadata().build()).create();
            await().atMost(WAIT).untilAsserted(() -> assertThat(nodeOf("two")).isEqualTo("worker"));
        }
    }
}
