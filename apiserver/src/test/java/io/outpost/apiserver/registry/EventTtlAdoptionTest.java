package io.outpost.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.outpost.store.memory.InMemoryKvStore;
import io.outpost.testing.FakeClock;

/**
 * Events an earlier version stored without a ttl get the rest of theirs when a server with
 * {@code --event-ttl} first starts on the store ({@link EventTtlAdoption}).
 */
class EventTtlAdoptionTest {

    static final Duration TTL = Duration.ofHours(1);
    /** The harness's registry clock starts here; the store's clock is set alike. */
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    final FakeClock storeClock = new FakeClock(NOW);
    final InMemoryKvStore kv = new InMemoryKvStore(storeClock);

    void storedWithoutTtl(String name, String lastTimestamp) {
        String json = Harness.json("{'apiVersion':'v1','kind':'Event','metadata':{'name':'" + name + "','namespace':'default',"
                + "'uid':'u-" + name + "','creationTimestamp':'2025-12-31T20:00:00Z'},"
                + "'involvedObject':{'kind':'Pod','namespace':'default','name':'web'},'reason':'Started','message':'m',"
                + "'count':3,'firstTimestamp':'2025-12-31T20:00:00Z','lastTimestamp':'" + lastTimestamp + "'}");
        kv.create(EventsViewTest.CORE.key("default", name), json.getBytes(StandardCharsets.UTF_8));
    }

    void pass(Duration d) {
        storeClock.advance(d);
        kv.expireDue();
    }

    @Test
    void anOldEventIsDeletedAndARecentOneExpiresTheRestOfTheTtlAfterItsLatestTime() {
        storedWithoutTtl("old", "2025-12-31T22:30:00Z"); // 90 minutes ago
        storedWithoutTtl("recent", "2025-12-31T23:50:00Z"); // 10 minutes ago

        Harness h = new Harness(kv, TTL);
        try {
            assertThat(h.get(EventsViewTest.CORE, "default", "old").status()).isEqualTo(404);
            Harness.Answer recent = h.get(EventsViewTest.CORE, "default", "recent");
            assertThat(recent.status()).isEqualTo(200);
            assertThat(recent.body().path("count").asInt()).as("rewritten as it was").isEqualTo(3);

            pass(Duration.ofMinutes(50).minusSeconds(1));
            assertThat(h.get(EventsViewTest.CORE, "default", "recent").status()).isEqualTo(200);
            pass(Duration.ofSeconds(1));
            assertThat(h.get(EventsViewTest.CORE, "default", "recent").status()).isEqualTo(404);
        } finally {
            h.registry.close();
        }
    }

    @Test
    void theRestOfAnHoursTtlIsRoundedUpToAMinuteSoEtcdNeedsFewLeasesButAShortTtlIsKeptExact() {
        assertThat(EventTtlAdoption.coarse(Duration.ofSeconds(50 * 60 + 30), TTL)).isEqualTo(Duration.ofMinutes(51));
        assertThat(EventTtlAdoption.coarse(Duration.ofMinutes(50), TTL)).isEqualTo(Duration.ofMinutes(50));
        assertThat(EventTtlAdoption.coarse(Duration.ofMillis(1), TTL)).isEqualTo(Duration.ofMinutes(1));
        assertThat(EventTtlAdoption.coarse(Duration.ofMillis(1500), Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void itRunsOnceSoALaterStartRewritesNothing() {
        storedWithoutTtl("recent", "2025-12-31T23:50:00Z");
        new Harness(kv, TTL).registry.close();
        long revision = kv.currentRevision();

        new Harness(kv, TTL).registry.close();

        assertThat(kv.currentRevision()).isEqualTo(revision);
    }

    @Test
    void withAZeroTtlNothingIsTouchedAndALaterStartWithATtlStillAdoptsThem() {
        storedWithoutTtl("old", "2025-12-31T22:30:00Z");
        new Harness(kv, Duration.ZERO).registry.close();
        assertThat(kv.get(EventsViewTest.CORE.key("default", "old"))).isPresent();
        assertThat(kv.get(EventTtlAdoption.MARKER)).isEmpty();

        new Harness(kv, TTL).registry.close();

        assertThat(kv.get(EventsViewTest.CORE.key("default", "old"))).isEmpty();
    }
}
