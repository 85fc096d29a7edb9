package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.api.ResourceType;
import io.outpost.store.memory.InMemoryKvStore;
import io.outpost.testing.FakeClock;
import tools.jackson.databind.JsonNode;

/**
 * Events expire {@code --event-ttl} after their latest write, as kube's event registry makes every
 * create and update carry the ttl (etcd deletes the key when its lease runs out, and watchers see
 * DELETED). Time passes on the store's fake clock; the in-memory store expires keys when asked.
 */
class EventTtlTest {

    static final ResourceType CORE = EventsViewTest.CORE;
    static final ResourceType V1 = EventsViewTest.V1;
    static final Duration TTL = Duration.ofHours(1);

    final FakeClock storeClock = new FakeClock();
    final InMemoryKvStore kv = new InMemoryKvStore(storeClock);
    Harness h = new Harness(kv, TTL);

    @AfterEach
    void stop() {
        h.registry.close();
    }

    /** Moves the store's time on and lets it delete what ran out. */
    void pass(Duration d) {
        storeClock.advance(d);
        kv.expireDue();
    }

    record Written(String name, ResourceType type, String body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Written> schemas() {
        return Stream.of(
                new Written("a core/v1 Event", CORE, EventsViewTest.OLD_STYLE),
                new Written("an events.k8s.io/v1 Event", V1, EventsViewTest.NEW_STYLE));
    }

    @ParameterizedTest(name = "{0} is gone from get and list in both schemas once the ttl has passed")
    @MethodSource("schemas")
    void anEventIsGoneOnceTheTtlHasPassed(Written event) {
        Harness.Answer created = h.create(event.type(), "default", json(event.body()));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String name = created.body().path("metadata").path("name").asString();

        pass(TTL.minusSeconds(1));
        assertThat(h.get(CORE, "default", name).status()).isEqualTo(200);

        pass(Duration.ofSeconds(1));
        assertThat(h.get(CORE, "default", name).status()).isEqualTo(404);
        assertThat(h.get(V1, "default", name).status()).isEqualTo(404);
        assertThat(h.list(CORE, "default", "").body().path("items")).isEmpty();
        assertThat(h.list(V1, "default", "").body().path("items")).isEmpty();
    }

    @Test
    void aWatchInEitherSchemaSeesAnExpiredEventDeleted() throws Exception {
        String rv = h.create(CORE, "default", json(EventsViewTest.OLD_STYLE)).rv();
        try (WatchClient core = watch(CORE, rv); WatchClient v1 = watch(V1, rv)) {
            pass(TTL);

            JsonNode deleted = core.next();
            assertThat(deleted.path("type").asString()).isEqualTo("DELETED");
            assertThat(deleted.path("object").path("metadata").path("name").asString()).isEqualTo("rs.1");
            assertThat(deleted.path("object").path("message").asString()).isEqualTo("Created pod: rs-x");
            JsonNode seen = v1.next();
            assertThat(seen.path("type").asString()).isEqualTo("DELETED");
            assertThat(seen.path("object").path("note").asString()).isEqualTo("Created pod: rs-x");
        }
    }

    @Test
    void anUpdateRestartsTheExpiryAsAnEventRecorderCountingRepeatsWould() {
        h.create(CORE, "default", json(EventsViewTest.OLD_STYLE));
        pass(Duration.ofMinutes(40));

        Harness.Answer patched = h.patch(CORE, "default", "rs.1", "application/merge-patch+json", "", "{\"count\":2}");
        assertThat(patched.status()).as(patched.body().toString()).isEqualTo(200);
        pass(Duration.ofMinutes(40));
        assertThat(h.get(CORE, "default", "rs.1").body().path("count").asInt())
                .as("80 minutes after its creation, 40 after its update").isEqualTo(2);

        JsonNode v1 = h.get(V1, "default", "rs.1").body();
        ((tools.jackson.databind.node.ObjectNode) v1.path("metadata")).putObject("labels").put("seen", "again");
        Harness.Answer put = h.put(V1, "default", "rs.1", v1.toString());
        assertThat(put.status()).as(put.body().toString()).isEqualTo(200);
        pass(TTL.minusSeconds(1));
        assertThat(h.get(CORE, "default", "rs.1").status()).as("an update through events.k8s.io restarts it too").isEqualTo(200);

        pass(Duration.ofSeconds(1));
        assertThat(h.get(CORE, "default", "rs.1").status()).isEqualTo(404);
    }

    @Test
    void objectsOfOtherKindsDoNotExpire() {
        h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'c'},'data':{'k':'v'}}"));

        pass(TTL.multipliedBy(5));

        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "c").status()).isEqualTo(200);
    }

    @Test
    void aZeroTtlKeepsEventsUntilDeletedAsKubeDoesWithZero() {
        h.registry.close();
        h = new Harness(kv, Duration.ZERO);
        h.create(CORE, "default", json(EventsViewTest.OLD_STYLE));

        pass(Duration.ofDays(30));

        assertThat(h.get(CORE, "default", "rs.1").status()).isEqualTo(200);
    }

    private WatchClient watch(ResourceType type, String rv) {
        return new WatchClient(h.registry.handle(Harness.request("GET", "watch=true&resourceVersion=" + rv, null, Map.of()),
                Target.collection(type, "default")));
    }
}
