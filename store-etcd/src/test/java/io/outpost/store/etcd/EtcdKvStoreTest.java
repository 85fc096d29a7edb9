package io.outpost.store.etcd;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

import io.etcd.jetcd.Client;
import io.outpost.store.KvStore;
import io.outpost.store.KvStoreContract;
import io.outpost.testing.EtcdProcess;

/**
 * The shared {@link KvStoreContract} on a real etcd. Every store the suite asks for is a new
 * connection confined to a key namespace of its own on one shared etcd, so it starts empty; its
 * revisions are etcd's, which move only by the test's own writes as the tests run one at a time.
 */
@Tag("system")
@ExtendWith(SharedEtcd.class)
class EtcdKvStoreTest extends KvStoreContract {

    /** How long past a ttl etcd may take to revoke its lease: it checks every 0.5 s. */
    private static final Duration REVOCATION_GUARD = Duration.ofSeconds(10);

    private static EtcdProcess etcd;
    private static Client raw;
    private final List<String> namespaces = new ArrayList<>();

    @BeforeAll
    static void shareEtcd(EtcdProcess shared) {
        etcd = shared;
        raw = SharedEtcd.rawClient(shared);
    }

    @AfterAll
    static void closeRawClient() {
        raw.close();
    }

    @Override
    protected KvStore newStore() {
        return newStoreWithWatchBuffer(EtcdConfig.DEFAULT_WATCH_BUFFER);
    }

    @Override
    protected KvStore newStoreWithWatchBuffer(int events) {
        String namespace = SharedEtcd.namespace();
        namespaces.add(namespace);
        return EtcdKvStore.connect(SharedEtcd.config(etcd).withWatchBuffer(events), namespace);
    }

    /**
     * Waits {@code ttl} of real time, then until no key of this test's stores has a lease in its
     * last second or past it: etcd then has revoked every lease that ran out by now, and left
     * those with a second or more to live.
     */
    @Override
    protected void expireAfter(Duration ttl) {
        await().pollDelay(ttl).pollInterval(Duration.ofMillis(100)).atMost(ttl.plus(REVOCATION_GUARD))
                .until(() -> !SharedEtcd.leaseRunningOut(raw, namespaces));
    }

    /** Each example connects anew (a jetcd client, its event loop): a few hundred ms on two cores. */
    @Override
    protected int propertyExamples() {
        return 20;
    }

    @AfterEach
    void dropKeys() {
        namespaces.forEach(namespace -> SharedEtcd.dropKeys(raw, namespace));
    }
}
