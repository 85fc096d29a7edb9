package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * events.k8s.io/v1 and core/v1 Events through fabric8's typed clients against the whole server:
 * one storage, so a watch in either schema sees the other's writes, each in its own schema.
 */
class Fabric8EventsTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("watch").endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Hands a test the objects a watch receives, and their actions. */
    static final class Seen<T> implements Watcher<T> {
        final BlockingQueue<T> objects = new LinkedBlockingQueue<>();
        final BlockingQueue<Action> actions = new LinkedBlockingQueue<>();

        @Override
        public void eventReceived(Action action, T resource) {
            actions.add(action);
            objects.add(resource);
        }

        @Override
        public void onClose(WatcherException cause) {
        }

        T next() throws InterruptedException {
            T object = objects.poll(30, TimeUnit.SECONDS);
            assertThat(object).as("a watch event within the failsafe").isNotNull();
            return object;
        }
    }

    @Test
    void aWatchInEitherSchemaSeesWritesInTheOther() throws Exception {
        Seen<io.fabric8.kubernetes.api.model.events.v1.Event> v1 = new Seen<>();
        Seen<Event> core = new Seen<>();
        try (Watch a = client.events().v1().events().inNamespace("watch").withField("regarding.name", "app").watch(v1);
             Watch b = client.v1().events().inNamespace("watch").withField("involvedObject.name", "app").watch(core)) {
            client.v1().events().inNamespace("watch").resource(new EventBuilder().withNewMetadata().withName("old").endMetadata()
                    .withNewInvolvedObject().withKind("Pod").withNamespace("watch").withName("app").endInvolvedObject()
                    .withType("Normal").withReason("Pulled").withMessage("pulled in core").withCount(1).build()).create();
            io.fabric8.kubernetes.api.model.events.v1.Event seenInV1 = v1.next();
            assertThat(seenInV1.getNote()).isEqualTo("pulled in core");
            assertThat(seenInV1.getDeprecatedCount()).isEqualTo(1);
            assertThat(core.next().getMessage()).isEqualTo("pulled in core");

            client.events().v1().events().inNamespace("watch").resource(new io.fabric8.kubernetes.api.model.events.v1.EventBuilder()
                    .withNewMetadata().withName("new").endMetadata().withEventTime(new MicroTime("2026-11-25T10:00:00.000000Z"))
                    .withType("Warning").withReason("BackOff").withAction("Start").withNote("noted in events.k8s.io")
                    .withReportingController("example.com/watcher").withReportingInstance("w-1")
                    .withNewRegarding().withKind("Pod").withNamespace("watch").withName("app").endRegarding().build()).create();
            Event seenInCore = core.next();
            assertThat(seenInCore.getMessage()).isEqualTo("noted in events.k8s.io");
            assertThat(seenInCore.getReportingComponent()).isEqualTo("example.com/watcher");
            assertThat(v1.next().getNote()).isEqualTo("noted in events.k8s.io");

            client.events().v1().events().inNamespace("watch").withName("old").delete();
            assertThat(core.next().getMessage()).isEqualTo("pulled in core");
            assertThat(core.actions).contains(Watcher.Action.DELETED);
        }
    }

    @Test
    void bothSchemasListTheSameObjectsAtTheSameResourceVersions() {
        client.v1().events().inNamespace("watch").resource(new EventBuilder().withNewMetadata().withName("same").endMetadata()
                .withNewInvolvedObject().withKind("Pod").withNamespace("watch").withName("other").endInvolvedObject()
                .withType("Normal").withReason("Pulled").withMessage("m").build()).create();
        Event core = client.v1().events().inNamespace("watch").withName("same").get();
        io.fabric8.kubernetes.api.model.events.v1.Event v1 = client.events().v1().events().inNamespace("watch").withName("same").get();
        assertThat(v1.getMetadata().getUid()).isEqualTo(core.getMetadata().getUid());
        assertThat(v1.getMetadata().getResourceVersion()).isEqualTo(core.getMetadata().getResourceVersion());
        assertThat(v1.getRegarding().getName()).isEqualTo("other");
    }
}
