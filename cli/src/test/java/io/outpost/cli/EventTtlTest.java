package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.outpost.testing.EtcdProcess;

/**
 * {@code outpost server --event-ttl 2s} on each datastore: an Event is gone from get and list once
 * the ttl has passed, and a watch sees it DELETED, as kube-apiserver's events go when their etcd
 * lease runs out. The ttl is real time here (the SQLite store sweeps every second, etcd expires
 * leases itself), so the waits are bounded failsafes, not assertions on time.
 */
class EventTtlTest {

    static final Duration TTL = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void onSqliteAnExpiredEventIsGoneAndAWatchSeesItDeleted() throws Exception {
        try (ServerFixture server = ServerFixture.start(dir, c -> c.withEventTtl(TTL))) {
            expiresWithADeletedEvent(server.client());
        }
    }

    @Test
    @Tag("system")
    void onEtcdAnExpiredEventIsGoneAndAWatchSeesItDeleted() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.start(dir.resolve("etcd"))) {
            Datastore datastore = Datastore.parse("etcd://127.0.0.1:" + etcd.clientUrl().getPort());
            Path dataDir = dir.resolve("data");
            try (Server server = new Server(new ServerConfig(dataDir, datastore).withPort(0).withoutLocalAgent().withEventTtl(TTL))) {
                server.start();
                try (KubernetesClient client = ServerFixture.fabric8(dataDir)) {
                    expiresWithADeletedEvent(client);
                }
            }
        }
    }

    private static void expiresWithADeletedEvent(KubernetesClient client) throws InterruptedException {
        Seen seen = new Seen();
        try (Watch watch = client.v1().events().inNamespace("default").watch(seen)) {
            client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("stays")
                    .endMetadata().addToData("k", "v").build()).create();
            client.v1().events().inNamespace("default").resource(new EventBuilder().withNewMetadata().withName("web.1").endMetadata()
                    .withNewInvolvedObject().withKind("Pod").withNamespace("default").withName("web").endInvolvedObject()
                    .withType("Normal").withReason("Started").withMessage("Started container c").withCount(1).build()).create();

            assertThat(seen.next().action()).isEqualTo(Watcher.Action.ADDED);
            Seen.Got expired = seen.next();
            assertThat(expired.action()).as("the event's expiry, within the failsafe").isEqualTo(Watcher.Action.DELETED);
            assertThat(expired.event().getMessage()).isEqualTo("Started container c");

            assertThat(client.v1().events().inNamespace("default").withName("web.1").get()).isNull();
            assertThat(client.v1().events().inNamespace("default").list().getItems()).isEmpty();
            assertThat(client.events().v1().events().inNamespace("default").list().getItems()).isEmpty();
            assertThat(client.configMaps().inNamespace("default").withName("stays").get()).as("only events expire").isNotNull();
        }
    }

    /** The actions and objects a watch receives. */
    static final class Seen implements Watcher<Event> {
        record Got(Watcher.Action action, Event event) {
        }

        final BlockingQueue<Got> got = new LinkedBlockingQueue<>();

        @Override
        public void eventReceived(Action action, Event resource) {
            got.add(new Got(action, resource));
        }

        @Override
        public void onClose(WatcherException cause) {
        }

        Got next() throws InterruptedException {
            Got next = got.poll(30, TimeUnit.SECONDS);
            assertThat(next).as("a watch event within the failsafe").isNotNull();
            return next;
        }
    }
}
