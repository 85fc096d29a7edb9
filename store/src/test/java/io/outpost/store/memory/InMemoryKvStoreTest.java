package io.outpost.store.memory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.outpost.store.KvStore;
import io.outpost.store.KvStoreContract;
import io.outpost.testing.FakeClock;

/** The in-memory store passes the contract; time is a fake clock, expiry a sweep the test runs. */
class InMemoryKvStoreTest extends KvStoreContract {

    private final FakeClock clock = new FakeClock();
    private final List<InMemoryKvStore> stores = new ArrayList<>();

    @Override
    protected KvStore newStore() {
        return newStoreWithWatchBuffer(10_000);
    }

    @Override
    protected KvStore newStoreWithWatchBuffer(int events) {
        InMemoryKvStore store = new InMemoryKvStore(clock, events);
        stores.add(store);
        return store;
    }

    @Override
    protected void expireAfter(Duration ttl) {
        clock.advance(ttl.plusMillis(1));
        stores.forEach(InMemoryKvStore::expireDue);
    }
}
