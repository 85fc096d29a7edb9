package io.outpost.apiserver.registry;

import static io.outpost.apiserver.registry.Harness.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.outpost.store.memory.InMemoryKvStore;
import io.outpost.testing.FakeClock;
import tools.jackson.databind.JsonNode;

class WatchesTest {

    private final Harness h = new Harness();

    @AfterEach
    void stopWatchCaches() {
        h.registry.close();
    }

    private WatchClient watch(String namespace, String query) {
        return new WatchClient(h.registry.handle(Harness.request("GET", "watch=true&" + query, null, java.util.Map.of()),
                Target.collection(Fixtures.CONFIGMAPS, namespace)));
    }

    private String cm(String name, String labels) {
        return h.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'" + name + "','labels':{" + labels + "}}}")).rv();
    }

    private void relabel(String name, String labels) {
        h.put(Fixtures.CONFIGMAPS, "default", name, json("{'metadata':{'name':'" + name + "','labels':{" + labels + "}}}"));
    }

    private static String summary(JsonNode event) {
        return event.path("type").asString() + " " + event.path("object").path("metadata").path("name").asString();
    }

    @Test
    void fromResourceVersionZeroTheCurrentStateComesAsAddedThenTheChanges() throws Exception {
        cm("a", "");
        cm("b", "");
        try (WatchClient w = watch("default", "resourceVersion=0")) {
            assertThat(summary(w.next())).isEqualTo("ADDED a");
            assertThat(summary(w.next())).isEqualTo("ADDED b");
            relabel("a", "'x':'y'");
            JsonNode modified = w.next();
            assertThat(summary(modified)).isEqualTo("MODIFIED a");
            assertThat(modified.path("object").path("kind").asString()).isEqualTo("ConfigMap");
            assertThat(modified.path("object").path("apiVersion").asString()).isEqualTo("v1");
            h.delete(Fixtures.CONFIGMAPS, "default", "b", null);
            JsonNode deleted = w.next();
            assertThat(summary(deleted)).isEqualTo("DELETED b");
            assertThat(deleted.path("object").path("metadata").path("resourceVersion").asString())
                    .isEqualTo(Long.toString(h.kv.currentRevision()));
        }
    }

    @Test
    void fromAResourceVersionOnlyLaterChangesCome() throws Exception {
        cm("a", "");
        String rv = cm("b", "");
        cm("c", "");
        try (WatchClient w = watch("default", "resourceVersion=" + rv)) {
            assertThat(summary(w.next())).isEqualTo("ADDED c");
        }
    }

    @Test
    void aWatchOfANamespaceSeesNothingFromAnother() throws Exception {
        try (WatchClient w = watch("default", "resourceVersion=0")) {
            h.create(Fixtures.CONFIGMAPS, "kube-system", json("{'metadata':{'name':'other'}}"));
            cm("mine", "");
            assertThat(summary(w.next())).isEqualTo("ADDED mine");
        }
    }

    @Test
    void aCompactedResourceVersionIsAnExpiredErrorEventAndTheEnd() throws Exception {
        String rv = cm("a", "");
        cm("b", "");
        cm("c", "");
        h.kv.compact(h.kv.currentRevision());
        WatchClient w = watch("default", "resourceVersion=" + rv);
        JsonNode error = w.next();
        assertThat(error.path("type").asString()).isEqualTo("ERROR");
        assertThat(error.path("object").path("code").asInt()).isEqualTo(410);
        assertThat(error.path("object").path("reason").asString()).isEqualTo("Expired");
        assertThat(error.path("object").path("message").asString())
                .isEqualTo("too old resource version: " + rv + " (" + h.kv.compactRevision() + ")");
        assertThat(w.awaitEnd()).isEmpty();
        w.close();
    }

    @Test
    void objectsEnteringAndLeavingTheSelectionAreAddedAndDeleted() throws Exception {
        cm("a", "'app':'web'");
        try (WatchClient w = watch("default", "resourceVersion=0&labelSelector=app=web")) {
            assertThat(summary(w.next())).isEqualTo("ADDED a");
            cm("b", "'app':'db'");
            relabel("a", "'app':'db'");
            assertThat(summary(w.next())).isEqualTo("DELETED a");
            relabel("b", "'app':'web'");
            assertThat(summary(w.next())).isEqualTo("ADDED b");
            relabel("b", "'app':'web','v':'2'");
            assertThat(summary(w.next())).isEqualTo("MODIFIED b");
        }
    }

    @Test
    void aWatchOnANamedObjectSeesOnlyIt() throws Exception {
        cm("a", "");
        cm("b", "");
        WatchClient w = new WatchClient(h.registry.handle(Harness.request("GET", "watch=1&resourceVersion=0", null, java.util.Map.of()),
                Target.object(Fixtures.CONFIGMAPS, "default", "b")));
        try (w) {
            assertThat(summary(w.next())).isEqualTo("ADDED b");
        }
    }

    @Test
    void bookmarksComeEveryPeriodWithTheLastResourceVersionSent() throws Exception {
        String rv = cm("a", "");
        try (WatchClient w = watch("default", "resourceVersion=0&allowWatchBookmarks=true")) {
            assertThat(summary(w.next())).isEqualTo("ADDED a");
            h.clock.advance(Duration.ofMinutes(1));
            JsonNode bookmark = w.next();
            assertThat(bookmark.path("type").asString()).isEqualTo("BOOKMARK");
            assertThat(bookmark.path("object").path("kind").asString()).isEqualTo("ConfigMap");
            assertThat(bookmark.path("object").path("metadata").path("resourceVersion").asString()).isEqualTo(rv);
        }
    }

    @Test
    void timeoutSecondsEndsTheStream() throws Exception {
        WatchClient w = watch("default", "resourceVersion=0&timeoutSeconds=10");
        h.clock.advance(Duration.ofSeconds(10));
        assertThat(w.awaitEnd()).isEmpty();
        w.close();
    }

    @Test
    void withoutTimeoutSecondsTheStreamOutlivesHalfAnHour() throws Exception {
        WatchClient w = watch("default", "resourceVersion=0");
        h.clock.advance(Duration.ofMinutes(29));
        cm("a", "");
        assertThat(summary(w.next())).isEqualTo("ADDED a");
        h.clock.advance(Duration.ofMinutes(31));
        assertThat(w.awaitEnd()).isEmpty();
        w.close();
    }

    @Test
    void aClientThatFallsBehindIsDroppedAndTheStreamEnds() throws Exception {
        Harness small = new Harness(new InMemoryKvStore(new FakeClock()), 2);
        small.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'first'}}"));
        WatchClient w = new WatchClient(small.registry.handle(Harness.request("GET", "watch=true&resourceVersion=0", null, java.util.Map.of()),
                Target.collection(Fixtures.CONFIGMAPS, "default")), new CountDownLatch(1));
        w.writing.await();  // the stream is stuck writing its first event to a client that does not read
        for (int i = 0; i < 5; i++) {
            small.create(Fixtures.CONFIGMAPS, "default", json("{'metadata':{'name':'c" + i + "'}}"));
        }
        // a watch from the latest revision opens only once the cache has dispatched every create
        watchFrom(small, small.kv.currentRevision()).close();
        w.release.countDown();
        // the stream ends on its own (the client re-watches) without the events past its buffer of 2
        assertThat(w.awaitEnd()).extracting(WatchesTest::summary).containsExactly("ADDED first");
        w.close();
        small.registry.close();
    }

    @Test
    void aWatchFromTheRingReplaysWhatFollowedEvenAfterTheStoreWasCompacted() throws Exception {
        h.list(Fixtures.CONFIGMAPS, "default", "resourceVersion=0"); // opens the cache
        String rv = cm("a", "");
        cm("b", "");
        try (WatchClient caughtUp = watch("default", "resourceVersion=" + rv)) {
            assertThat(summary(caughtUp.next())).isEqualTo("ADDED b"); // the cache holds b before the store forgets it
        }
        h.kv.compact(h.kv.currentRevision());
        try (WatchClient w = watch("default", "resourceVersion=" + rv)) {
            assertThat(summary(w.next())).isEqualTo("ADDED b");
        }
    }

    @Test
    void aResourceVersionTheServerHasNotReachedIsATimeoutOnceTheCacheHasWaitedForIt() throws Exception {
        long ahead = h.kv.currentRevision() + 10;
        Harness.Answer[] answer = new Harness.Answer[1];
        Thread request = Thread.ofVirtual().start(() -> answer[0] = h.call("GET", Target.collection(Fixtures.CONFIGMAPS, "default"),
                "watch=true&resourceVersion=" + ahead, null));
        // the wait is measured on the fake clock: move it on until the request has given up
        for (int i = 0; i < 20_000 && request.isAlive(); i++) {
            h.clock.advance(Duration.ofSeconds(1));
            request.join(Duration.ofMillis(1));
        }
        assertThat(request.isAlive()).as("the request gave up waiting").isFalse();
        assertThat(answer[0].status()).isEqualTo(504);
        // "current" is the cache's revision (as in kube), which may still be catching up with the store's
        assertThat(answer[0].message()).startsWith("Too large resource version: " + ahead + ", current: ");
        long current = Long.parseLong(answer[0].message().replaceAll(".*current: ", ""));
        assertThat(current).isBetween(0L, h.kv.currentRevision());
    }

    private static WatchClient watchFrom(Harness harness, long revision) {
        return new WatchClient(harness.registry.handle(Harness.request("GET", "watch=true&resourceVersion=" + revision, null, java.util.Map.of()),
                Target.collection(Fixtures.CONFIGMAPS, "default")));
    }
}
