package io.outpost.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * Keys with a ttl ({@link KvStore#create(String, byte[], Duration)}): they expire with a DELETE
 * event; an update sets the expiry afresh, as etcd's put does. Time passes only through
 * {@link KvStoreContract#expireAfter}.
 */
abstract class TtlContract extends ContractSection {

    /** A ttl the etcd backend can honour: etcd's minimum lease is about 2 s. */
    static final Duration TTL = Duration.ofSeconds(2);

    TtlContract(KvStoreContract backend) {
        super(backend);
    }

    @Test
    void aKeyWithATtlIsDeletedAfterItWithADeleteEventCarryingItsValue() throws InterruptedException {
        try (Watch watch = store.watch("/t/", 0)) {
            KeyValue created = store.create("/t/k", bytes("v"), TTL);
            store.create("/t/forever", bytes("stays"));

            backend.expireAfter(TTL);

            assertThat(store.get("/t/k")).isEmpty();
            assertThat(store.get("/t/forever")).isPresent();
            long expiredAt = store.currentRevision();
            Event expiry = pollThrough(watch, expiredAt).getLast();
            assertThat(expiry).isEqualTo(Event.delete(expiredAt, created));
            assertThat(expiredAt).as("the expiry is one write").isEqualTo(created.modRevision() + 2);
        }
    }

    @Test
    void aKeyWithATtlIsThereUntilTheTtlPasses() {
        KeyValue created = store.create("/t/k", bytes("v"), TTL.multipliedBy(2));

        backend.expireAfter(TTL);

        assertThat(store.get("/t/k")).contains(created);
    }

    @Test
    void anUpdateWithATtlRestartsTheExpiry() {
        KeyValue created = store.create("/t/k", bytes("v1"), TTL.multipliedBy(2));
        backend.expireAfter(TTL);
        KeyValue updated = store.update("/t/k", bytes("v2"), created.modRevision(), TTL.multipliedBy(2));

        // Past the first expiry, not past the second.
        backend.expireAfter(TTL);
        assertThat(store.get("/t/k")).contains(updated);

        backend.expireAfter(TTL.multipliedBy(2));
        assertThat(store.get("/t/k")).isEmpty();
    }

    @Test
    void anUpdateWithoutATtlMakesTheKeyPermanent() {
        KeyValue created = store.create("/t/k", bytes("v1"), TTL);
        KeyValue updated = store.update("/t/k", bytes("v2"), created.modRevision());

        backend.expireAfter(TTL);

        assertThat(store.get("/t/k")).contains(updated);
    }

    @Test
    void anExpiredKeyCanBeCreatedAgain() {
        store.create("/t/k", bytes("v1"), TTL);
        backend.expireAfter(TTL);

        KeyValue again = store.create("/t/k", bytes("v2"));

        assertThat(store.get("/t/k")).contains(again);
        assertThat(again.createRevision()).isEqualTo(again.modRevision());
    }
}
