package io.outpost.store;

import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;

/**
 * The one contract every {@link KvStore} backend passes: etcd's semantics as the Javadoc of
 * {@link KvStore}, {@link Watch}, {@link RangeRequest} and {@link StoreException} states them.
 * A backend's test extends this class and implements the hooks; nothing else. See
 * {@code io.outpost.store.memory.InMemoryKvStoreTest} (a fake clock and a sweep) and
 * {@code io.outpost.store.sqlite.SqliteKvStoreTest} (a file per store) for the whole of it.
 *
 * <p>The tests are grouped by verb, one section class per file, each run here as a {@code @Nested}
 * class so that a backend has a single class to subclass: {@link GetContract},
 * {@link RangeContract}, {@link WriteContract}, {@link ValueContract}, {@link ArgumentContract},
 * {@link WatchContract}, {@link WatchLifecycleContract}, {@link CompactionContract}, {@link TtlContract},
 * {@link ConcurrencyContract}, and the randomised {@link KvStoreModelProperties}.
 *
 * <p>Thread model: JUnit runs the tests one at a time, each on a new instance of the backend's
 * class, so a hook may keep per-test state (a fake clock, the stores it opened) in fields.
 */
public abstract class KvStoreContract {

    /**
     * A new, empty store. Called at least once per test (the property tests call it once per
     * example); the suite closes every store it gets.
     *
     * <p>The suite never assumes the base revision (the in-memory store starts at 0, etcd at 1 or
     * wherever a shared server is), but while a test runs the store's revision must move only by
     * the test's own writes, one per write: a backend that shares a server between stores must
     * give each store its own keys and must not let another store write meanwhile. Compaction
     * may be shared: the suite compacts only to revisions its own test wrote.
     */
    protected abstract KvStore newStore();

    /**
     * Makes more than {@code ttl} pass for the stores this test opened, and has them expire every
     * key whose ttl ran out by then: a backend on a fake clock advances it past {@code ttl} and runs
     * its sweep; a backend on real time (etcd) waits until its leases have been revoked. The TTL
     * tests call it a few times each with {@link TtlContract#TTL} (2 s, etcd's minimum lease) or
     * twice that.
     */
    protected abstract void expireAfter(Duration ttl);

    /**
     * A new, empty store whose watches each buffer at most {@code events} events before they are
     * dropped ({@link Watch}'s back-pressure rule). Only the slow-watcher test uses it. The default
     * skips that test, visibly, naming this hook: override it wherever the buffer can be sized
     * (the etcd backend needs it too, or its own bounded buffer is never tested).
     */
    protected KvStore newStoreWithWatchBuffer(int events) {
        return Assumptions.abort(getClass().getSimpleName() + " did not override newStoreWithWatchBuffer(int),"
                + " so the test that a slow watcher is dropped did not run");
    }

    /**
     * How many random operation sequences {@link KvStoreModelProperties} checks. 100 sequences
     * of at most {@link KvStoreModelProperties#MAX_OPERATIONS} operations take well under a
     * second in memory; a backend on a remote server may lower it. The seed of a failing run is
     * printed; {@code -DQT_SEED=<seed>} replays it.
     */
    protected int propertyExamples() {
        return 100;
    }

    @Nested
    class Get extends GetContract {
        Get() {
            super(KvStoreContract.this);
        }
    }

    @Nested
    class Range extends RangeContract {
        Range() {
            super(KvStoreContract.this);
        }
    }

    @Nested
    class Write extends WriteContract {
        Write() {
            super(KvStoreContract.this);
        }
    }

    @Nested
    class Values extends ValueContract {
        Values() {
            super(KvStoreContract.this);
        }
    }

    @Nested
    class Arguments extends ArgumentContract {
        Arguments() {
            super(KvStoreContract.this);
        }
    }

    @Nested
    class Watches extends WatchContract {
        Watches() {
            super(KvStoreContract.this);
        }
    }

    @Nested
    class WatchLifecycle extends WatchLifecycleContract {
        WatchLifecycle() {
            super(KvStoreContract.this);
        }
    }

    @Nested
    class Compaction extends CompactionContract {
        Compaction() {
            super(KvStoreContract.this);
        }
    }

    @Nested
    class Ttl extends TtlContract {
        Ttl() {
            super(KvStoreContract.this);
        }
    }

    @Nested
    class Concurrency extends ConcurrencyContract {
        Concurrency() {
            super(KvStoreContract.this);
        }
    }

    @Nested
    class ModelProperties extends KvStoreModelProperties {
        ModelProperties() {
            super(KvStoreContract.this);
        }
    }
}
