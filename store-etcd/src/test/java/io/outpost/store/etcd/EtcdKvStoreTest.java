package io.outpost.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.outpost.store.Deleted;
import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.RangeRequest;
import io.outpost.store.RangeResult;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;
import io.outpost.testing.EtcdProcess;

/**
 * The {@link io.outpost.store.KvStore} semantics on a real etcd, each store in a namespace of its
 * own. Focused tests written before the shared contract suite ({@code KvStoreContract}) landed.
 */
@Tag("system")
@ExtendWith(SharedEtcd.class)
class EtcdKvStoreTest {

    private static final Duration GUARD = Duration.ofSeconds(5);

    private static EtcdProcess etcd;
    private EtcdKvStore store;

    @BeforeAll
    static void shareEtcd(EtcdProcess shared) {
        etcd = shared;
    }

    @BeforeEach
    void open() {
        store = EtcdKvStore.connect(SharedEtcd.config(etcd), SharedEtcd.namespace());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aCreatedKeyReadsBackWithTheRevisionOfItsWrite() {
        long before = store.currentRevision();

        KeyValue created = store.create("/a/k", bytes("v1"));

        assertThat(created.modRevision()).isEqualTo(before + 1).isEqualTo(created.createRevision());
        assertThat(store.currentRevision()).isEqualTo(created.modRevision());
        assertThat(store.get("/a/k")).contains(created);
        assertThat(text(store.get("/a/k").orElseThrow())).isEqualTo("v1");
    }

    @Test
    void aSecondCreateFailsWithTheExistingValueAndWritesNothing() {
        KeyValue first = store.create("/a/k", bytes("v1"));

        var e = catchStore(StoreException.AlreadyExists.class, () -> store.create("/a/k", bytes("v2")));

        assertThat(e.existing()).isEqualTo(first);
        assertThat(store.currentRevision()).isEqualTo(first.modRevision());
    }

    @Test
    void anUpdateAtTheExpectedRevisionKeepsTheCreateRevision() {
        KeyValue created = store.create("/a/k", bytes("v1"));

        KeyValue updated = store.update("/a/k", bytes("v2"), created.modRevision());

        assertThat(updated.createRevision()).isEqualTo(created.createRevision());
        assertThat(updated.modRevision()).isEqualTo(created.modRevision() + 1);
        assertThat(store.get("/a/k")).contains(updated);
    }

    @Test
    void anUpdateAtAnotherRevisionConflictsWithTheCurrentValue() {
        KeyValue created = store.create("/a/k", bytes("v1"));
        KeyValue updated = store.update("/a/k", bytes("v2"), created.modRevision());

        var e = catchStore(StoreException.Conflict.class,
                () -> store.update("/a/k", bytes("v3"), created.modRevision()));

        assertThat(e.current()).isEqualTo(updated);
        assertThat(e.expectedRevision()).isEqualTo(created.modRevision());
    }

    @Test
    void anUpdateExpectingRevisionZeroNeverCreatesAKeyNorOverwritesOne() {
        catchStore(StoreException.NotFound.class, () -> store.update("/a/k", bytes("v"), 0));
        assertThat(store.get("/a/k")).as("etcd compares a missing key's revision as 0").isEmpty();

        KeyValue created = store.create("/a/k", bytes("v1"));
        var e = catchStore(StoreException.Conflict.class, () -> store.update("/a/k", bytes("v2"), 0));

        assertThat(e.current()).isEqualTo(created);
    }

    @Test
    void anUpdateOrDeleteOfAMissingKeyIsNotFound() {
        catchStore(StoreException.NotFound.class, () -> store.update("/a/none", bytes("v"), 5));
        catchStore(StoreException.NotFound.class, () -> store.delete("/a/none", 5));
        catchStore(StoreException.NotFound.class, () -> store.delete("/a/none"));
    }

    @Test
    void aDeleteReturnsItsRevisionAndTheDeletedValue() {
        KeyValue created = store.create("/a/k", bytes("v1"));
        catchStore(StoreException.Conflict.class, () -> store.delete("/a/k", created.modRevision() + 100));

        Deleted deleted = store.delete("/a/k", created.modRevision());

        assertThat(deleted).isEqualTo(new Deleted(created.modRevision() + 1, created));
        assertThat(store.get("/a/k")).isEmpty();
        assertThat(store.get("/a/k", created.modRevision())).contains(created);
    }

    @Test
    void anUnconditionalDeleteTakesWhateverRevisionTheKeyHas() {
        KeyValue created = store.create("/a/k", bytes("v1"));
        KeyValue updated = store.update("/a/k", bytes("v2"), created.modRevision());

        assertThat(store.delete("/a/k").previous()).isEqualTo(updated);
    }

    @Test
    void aRangePagesInKeyOrderFromOneSnapshot() {
        for (String name : List.of("c", "a", "d", "b", "e")) {
            store.create("/r/" + name, bytes(name));
        }
        store.create("/rx", bytes("outside the prefix"));

        RangeResult first = store.range(new RangeRequest("/r/", null, 2, 0));
        store.create("/r/aa", bytes("after the snapshot"));
        RangeResult second = store.range(new RangeRequest("/r/", first.nextStartKey(), 2, first.revision()));

        assertThat(keys(first)).containsExactly("/r/a", "/r/b");
        assertThat(first.more()).isTrue();
        assertThat(keys(second)).containsExactly("/r/c", "/r/d");
        assertThat(second.revision()).isEqualTo(first.revision());
        assertThat(keys(store.range(RangeRequest.all("/r/")))).containsExactly("/r/a", "/r/aa", "/r/b", "/r/c",
                "/r/d", "/r/e");
        assertThat(store.count("/r/")).isEqualTo(6);
    }

    @Test
    void compactedRevisionsCannotBeReadOrWatchedButTheCompactRevisionItselfCan() throws InterruptedException {
        KeyValue v1 = store.create("/c/k", bytes("v1"));
        KeyValue v2 = store.update("/c/k", bytes("v2"), v1.modRevision());
        store.update("/c/k", bytes("v3"), v2.modRevision());

        store.compact(v2.modRevision());

        assertThat(store.compactRevision()).isEqualTo(v2.modRevision());
        assertThat(store.get("/c/k", v2.modRevision())).contains(v2);
        var e = catchStore(StoreException.Compacted.class, () -> store.get("/c/k", v1.modRevision()));
        assertThat(e.compactRevision()).isEqualTo(v2.modRevision());
        catchStore(StoreException.Compacted.class, () -> store.compact(v2.modRevision()));
        try (Watch watch = store.watch("/c/", v1.modRevision())) {
            assertThatThrownBy(() -> watch.poll(GUARD)).isInstanceOf(StoreException.Compacted.class);
        }
    }

    @Test
    void aFutureRevisionIsAnInvalidArgument() {
        long future = store.currentRevision() + 1_000;

        assertThatThrownBy(() -> store.get("/f/k", future)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.compact(future)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWatchDeliversPutsAndDeletesWithTheirPreviousValuesInRevisionOrder() throws InterruptedException {
        KeyValue before = store.create("/w/old", bytes("before the watch"));
        try (Watch watch = store.watch("/w/", before.modRevision())) {
            KeyValue created = store.create("/w/k", bytes("v1"));
            store.create("/other/k", bytes("not watched"));
            KeyValue updated = store.update("/w/k", bytes("v2"), created.modRevision());
            Deleted deleted = store.delete("/w/k");

            List<Event> events = pollThrough(watch, deleted.revision());

            assertThat(events).containsExactly(
                    Event.put(created, null),
                    Event.put(updated, created),
                    Event.delete(deleted.revision(), updated));
        }
    }

    @Test
    void aWatchFromZeroSeesOnlyLaterEvents() throws InterruptedException {
        store.create("/z/earlier", bytes("v"));
        try (Watch watch = store.watch("/z/", 0)) {
            KeyValue later = store.create("/z/later", bytes("v"));

            assertThat(pollThrough(watch, later.modRevision())).containsExactly(Event.put(later, null));
        }
    }

    @Test
    void aClosedWatchRefusesPollsAndAClosedStoreEndsItsWatches() throws InterruptedException {
        Watch closedByConsumer = store.watch("/l/", 0);
        Watch open = store.watch("/l/", 0);
        closedByConsumer.close();
        closedByConsumer.close();

        store.close();

        assertThatThrownBy(() -> closedByConsumer.poll(GUARD)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> open.poll(GUARD)).isInstanceOf(StoreException.Unavailable.class);
        assertThatThrownBy(() -> store.get("/l/k")).isInstanceOf(StoreException.Unavailable.class);
    }

    static List<Event> pollThrough(Watch watch, long revision) throws InterruptedException {
        List<Event> seen = new ArrayList<>();
        while (seen.isEmpty() || seen.getLast().revision() < revision) {
            List<Event> batch = watch.poll(GUARD);
            assertThat(batch).as("events through revision %d (seen: %s)", revision, seen).isNotEmpty();
            seen.addAll(batch);
        }
        return seen;
    }

    static <E extends StoreException> E catchStore(Class<E> type, Runnable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call::run);
        assertThat(thrown).isInstanceOf(type);
        return type.cast(thrown);
    }

    static List<String> keys(RangeResult result) {
        return result.kvs().stream().map(KeyValue::key).toList();
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    static String text(KeyValue kv) {
        return new String(kv.value(), UTF_8);
    }
}
