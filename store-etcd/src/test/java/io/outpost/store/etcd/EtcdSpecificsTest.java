package io.outpost.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;
import io.outpost.testing.EtcdProcess;

/**
 * What is particular to the etcd backend: leases, what it learns of compactions it did not make,
 * its bounded watch buffer, and how it fails when etcd does not answer.
 */
@Tag("system")
@ExtendWith(SharedEtcd.class)
class EtcdSpecificsTest {

    /** Only bounds a test that would otherwise hang; a passing test never waits for it. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(30);

    private static EtcdProcess etcd;

    @BeforeAll
    static void shareEtcd(EtcdProcess shared) {
        etcd = shared;
    }

    @Test
    void etcdExpiresAKeyWithATtlWithADeleteEventCarryingItsValue() throws InterruptedException {
        try (EtcdKvStore store = EtcdKvStore.connect(SharedEtcd.config(etcd), SharedEtcd.namespace());
                Watch watch = store.watch("/t/", 0)) {
            KeyValue created = store.create("/t/k", bytes("v"), Duration.ofSeconds(1));

            List<Event> events = new ArrayList<>();
            long deadline = System.nanoTime() + HANG_GUARD.toNanos();
            while (events.stream().noneMatch(e -> e.type() == Event.Type.DELETE) && System.nanoTime() < deadline) {
                events.addAll(watch.poll(Duration.ofSeconds(1)));
            }

            assertThat(events).hasSize(2);
            assertThat(events.getFirst()).isEqualTo(Event.put(created, null));
            assertThat(events.getLast()).isEqualTo(Event.delete(events.getLast().revision(), created));
            assertThat(store.get("/t/k")).isEmpty();
        }
    }

    @Test
    void writesWithTheSameLongTtlShareOneLeaseAndShortOnesDoNot() {
        String namespace = SharedEtcd.namespace();
        try (EtcdKvStore store = EtcdKvStore.connect(SharedEtcd.config(etcd), namespace);
                Client raw = Client.builder().endpoints(etcd.clientUrl()).namespace(seq(namespace)).build()) {
            store.create("/l/a", bytes("v"), Duration.ofMinutes(10));
            store.create("/l/b", bytes("v"), Duration.ofMinutes(10));
            store.create("/l/c", bytes("v"), Duration.ofSeconds(5));
            store.create("/l/d", bytes("v"), Duration.ofSeconds(5));
            store.create("/l/e", bytes("v"));

            assertThat(lease(raw, "/l/a")).isNotZero().isEqualTo(lease(raw, "/l/b"));
            assertThat(lease(raw, "/l/c")).isNotZero().isNotEqualTo(lease(raw, "/l/d"))
                    .isNotEqualTo(lease(raw, "/l/a"));
            assertThat(lease(raw, "/l/e")).as("no ttl, no lease").isZero();
        } finally {
            try (Client raw = SharedEtcd.rawClient(etcd)) {
                SharedEtcd.dropKeys(raw, namespace);
            }
        }
    }

    @Test
    void aCompactionByAnotherServerIsLearnedFromWhatItBreaks() throws InterruptedException {
        String namespace = SharedEtcd.namespace();
        try (EtcdKvStore compacting = EtcdKvStore.connect(SharedEtcd.config(etcd), namespace);
                EtcdKvStore other = EtcdKvStore.connect(SharedEtcd.config(etcd), namespace)) {
            KeyValue v1 = compacting.create("/c/k", bytes("v1"));
            compacting.create("/c/spacer-1", bytes("moves the revision on"));
            compacting.create("/c/spacer-2", bytes("moves the revision on"));
            KeyValue v2 = compacting.update("/c/k", bytes("v2"), v1.modRevision());
            compacting.compact(v2.modRevision());
            assertThat(other.compactRevision()).as("nothing told it yet").isZero();

            try (Watch watch = other.watch("/c/", v1.modRevision())) {
                var e = catchStore(StoreException.Compacted.class, () -> pollQuietly(watch));
                assertThat(e.compactRevision()).isEqualTo(v2.modRevision());
            }
            assertThat(other.compactRevision()).as("a cancelled watch tells the exact revision")
                    .isEqualTo(v2.modRevision());
            assertThat(catchStore(StoreException.Compacted.class, () -> other.get("/c/k", v1.modRevision()))
                    .compactRevision()).isEqualTo(v2.modRevision());
        }
    }

    @Test
    void aWatchFromJustBelowACompactionItWasNotToldOfFailsWithCompacted() {
        String namespace = SharedEtcd.namespace();
        try (EtcdKvStore compacting = EtcdKvStore.connect(SharedEtcd.config(etcd), namespace);
                EtcdKvStore other = EtcdKvStore.connect(SharedEtcd.config(etcd), namespace)) {
            KeyValue v1 = compacting.create("/c/k", bytes("v1"));
            KeyValue v2 = compacting.update("/c/k", bytes("v2"), v1.modRevision());
            compacting.compact(v2.modRevision());

            // etcd would serve a stream from v2 (the events after v1); KvStore#watch says the
            // events after a revision below the compact revision are gone.
            try (Watch watch = other.watch("/c/", v1.modRevision())) {
                var e = catchStore(StoreException.Compacted.class, () -> pollQuietly(watch));
                assertThat(e.compactRevision()).isEqualTo(v2.modRevision());
            }
            try (Watch watch = other.watch("/c/", v2.modRevision());
                    EtcdKvStore writer = EtcdKvStore.connect(SharedEtcd.config(etcd), namespace)) {
                KeyValue v3 = writer.update("/c/k", bytes("v3"), v2.modRevision());
                assertThat(pollQuietly(watch)).as("from the compact revision itself, nothing is missing")
                        .containsExactly(Event.put(v3, v2));
            }
        }
    }

    @Test
    void anUpdateExpectingRevisionZeroNeverCreatesAKey() {
        try (EtcdKvStore store = EtcdKvStore.connect(SharedEtcd.config(etcd), SharedEtcd.namespace())) {
            long before = store.currentRevision();

            catchStore(StoreException.NotFound.class, () -> store.update("/z/k", bytes("v"), 0));

            assertThat(store.get("/z/k")).as("etcd compares a missing key's mod revision as 0").isEmpty();
            assertThat(store.currentRevision()).isEqualTo(before);
        }
    }

    @Test
    void aCompactedReadRaisesWhatTheStoreKnowsToAtLeastTheRevisionAfterIt() {
        String namespace = SharedEtcd.namespace();
        try (EtcdKvStore compacting = EtcdKvStore.connect(SharedEtcd.config(etcd), namespace);
                EtcdKvStore other = EtcdKvStore.connect(SharedEtcd.config(etcd), namespace)) {
            KeyValue v1 = compacting.create("/c/k", bytes("v1"));
            KeyValue v2 = compacting.update("/c/k", bytes("v2"), v1.modRevision());
            compacting.compact(v2.modRevision());

            catchStore(StoreException.Compacted.class, () -> other.get("/c/k", v1.modRevision()));

            assertThat(other.compactRevision()).isEqualTo(v1.modRevision() + 1);
        }
    }

    @Test
    void aWatchThatFallsBehindIsDroppedAndToldToReWatch() {
        try (EtcdKvStore store = EtcdKvStore.connect(SharedEtcd.config(etcd).withWatchBuffer(5),
                SharedEtcd.namespace())) {
            long before = store.currentRevision();
            for (int i = 0; i < 10; i++) {
                store.create("/b/k" + i, bytes("v"));
            }
            // From the past, etcd sends the ten events at once: more than the buffer holds, as long
            // as the consumer does not poll meanwhile (then it keeps up), so it waits for the drop.
            try (EtcdWatch watch = (EtcdWatch) store.watch("/b/", before)) {
                await().atMost(HANG_GUARD).until(watch::failed);
                assertThatThrownBy(() -> watch.poll(HANG_GUARD))
                        .isInstanceOf(StoreException.Unavailable.class)
                        .hasMessageContaining("fell behind")
                        .hasMessageContaining("re-watch");
            }
        }
    }

    @Test
    void aRequestToAHungEtcdFailsWithUnavailableAfterTheTimeoutAndTheStoreRecovers(@TempDir Path dir) {
        try (EtcdProcess own = EtcdProcess.start(dir);
                EtcdKvStore store = EtcdKvStore.connect(
                        new EtcdConfig(List.of(own.clientUrl()), Duration.ofSeconds(1), 100))) {
            KeyValue created = store.create("/h/k", bytes("v"));
            own.freeze();
            try {
                assertTimeoutPreemptively(HANG_GUARD, () -> {
                    assertThatThrownBy(() -> store.get("/h/k")).isInstanceOf(StoreException.Unavailable.class);
                    assertThatThrownBy(() -> store.create("/h/other", bytes("v")))
                            .isInstanceOf(StoreException.Unavailable.class);
                });
            } finally {
                own.thaw();
            }
            assertThat(store.get("/h/k")).contains(created);
        }
    }

    @Test
    void connectingToNoEtcdFailsWithUnavailableNamingTheDatastoreFlag() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        EtcdConfig nobody = new EtcdConfig(List.of(URI.create("http://127.0.0.1:" + port)), Duration.ofSeconds(1), 10);

        assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(() -> EtcdKvStore.connect(nobody))
                .isInstanceOf(StoreException.Unavailable.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .hasMessageContaining("--datastore"));
    }

    private static long lease(Client raw, String key) {
        try {
            return raw.getKVClient().get(seq(key)).get().getKvs().getFirst().getLease();
        } catch (Exception e) {
            throw new AssertionError("cannot read " + key + " from etcd", e);
        }
    }

    private static ByteSequence seq(String s) {
        return ByteSequence.from(s, UTF_8);
    }

    private static List<Event> pollQuietly(Watch watch) {
        try {
            return watch.poll(HANG_GUARD);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static <E extends StoreException> E catchStore(Class<E> type, Runnable call) {
        Throwable thrown = catchThrowable(call::run);
        assertThat(thrown).isInstanceOf(type);
        return type.cast(thrown);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }
}
