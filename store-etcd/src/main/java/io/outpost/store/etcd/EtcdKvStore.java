package io.outpost.store.etcd;

import static io.outpost.store.etcd.Conversions.key;
import static io.outpost.store.etcd.Conversions.keyValue;
import static io.outpost.store.etcd.Conversions.prefixEnd;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Supplier;
import java.util.function.LongFunction;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.outpost.store.Deleted;
import io.outpost.store.KeyValue;
import io.outpost.store.Keys;
import io.outpost.store.KvStore;
import io.outpost.store.RangeRequest;
import io.outpost.store.RangeResult;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;

/**
 * A {@link KvStore} on an etcd 3.4+ cluster, for several Outpost servers in HA. Revisions are
 * etcd's own; each write is one etcd transaction whose compare is the precondition (kube-apiserver's
 * {@code etcd3} store does the same): create puts if the key's create revision is 0, update if the
 * key exists and its mod revision is the one expected (so 0 never matches), delete likewise or, with
 * 0, whatever its revision; the else branch reads the key so that a failed precondition reports what
 * is there without another round trip.
 *
 * <p>Failures and retries. Every request to etcd has the config's request timeout as its gRPC
 * deadline, so no call waits for ever. Reads (get, range, count, the current revision) are
 * linearizable and, when a member fails, retried on the others (jetcd balances requests over all
 * endpoints; see {@link EtcdCalls}). Writes are never retried: a write whose answer was lost may
 * have committed, and a retried create would then wrongly report AlreadyExists, a retried update a
 * Conflict with itself. A write that fails this way throws {@link StoreException.Unavailable},
 * which means "not acknowledged, may have been applied"; the caller re-reads and decides, as
 * kube-apiserver's callers do on a timeout. When the leader dies, new writes succeed once the
 * survivors have elected another (1.0 to 1.6 s with etcd's default 1 s election timeout, measured
 * by {@code EtcdClusterTest}); a write that was in flight on a follower is lost with the old
 * leader and fails only at its deadline.
 *
 * <p>Compact revision. etcd 3.4 does not report it, so {@link #compactRevision()} is what this
 * client knows (see {@link KnownCompaction}): exact after its own {@link #compact}, and raised by
 * the compacted errors it meets; a compaction by another server is seen only once a read or watch
 * runs into it.
 *
 * <p>Time-to-live uses etcd leases, in whole seconds, shared between writes of the same ttl (see
 * {@link Leases}); etcd expires keys itself, with a DELETE event, and enforces a minimum ttl of
 * its own (2 s with its default election timeout).
 *
 * <p>Thread model: every method may be called from any thread, platform or virtual, at once; a
 * caller blocks on a {@link CompletableFuture} (no monitor is held, so virtual threads are not
 * pinned). jetcd runs the network I/O on its own event-loop and executor threads. Watches resume
 * on one daemon thread of this store ({@code outpost-etcd-watch}). Timing is real time: the
 * deadlines are etcd's and gRPC's, which no fake clock can move.
 */
public final class EtcdKvStore implements KvStore {

    /** Never written (keys may not contain NUL): a count-only read of it answers etcd's revision. */
    private static final ByteSequence REVISION_PROBE = key("\0outpost-revision");

    private final Client client;
    private final Duration requestTimeout;
    private final KV kv;
    private final KnownCompaction compaction = new KnownCompaction();
    private final EtcdErrors errors;
    private final EtcdCalls calls;
    private final Leases leases;
    private final ScheduledThreadPoolExecutor watchThread;
    private final EtcdWatch.Settings watchSettings;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private EtcdKvStore(EtcdConfig config, Client client) {
        this.client = client;
        this.requestTimeout = config.requestTimeout();
        this.kv = client.getKVClient();
        this.errors = new EtcdErrors(config.endpoints(), compaction);
        this.calls = new EtcdCalls(config.requestTimeout(), errors, () -> closed);
        this.leases = new Leases(ttl -> {
            var granted = calls.call(() -> client.getLeaseClient().grant(ttl), 0);
            return new Leases.Grant(granted.getID(), granted.getTTL());
        }, System::nanoTime);
        this.watchThread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "outpost-etcd-watch");
            t.setDaemon(true);
            return t;
        });
        this.watchThread.setRemoveOnCancelPolicy(true);
        this.watchSettings = new EtcdWatch.Settings(client.getWatchClient(), config.watchBuffer(),
                config.requestTimeout(), watchThread, compaction, errors);
    }

    /**
     * Connects to etcd and checks that it answers.
     *
     * @throws StoreException.Unavailable if no endpoint answers within the request timeout
     */
    public static EtcdKvStore connect(EtcdConfig config) {
        return connect(config, "");
    }

    /**
     * Connects with every key, range and watch inside {@code namespace}, a prefix jetcd adds to
     * keys on the way out and strips on the way back. Tests use it to give each store its own keys
     * on one shared etcd; a public option for it (kube-apiserver's {@code --etcd-prefix}, for
     * several clusters on one etcd) is a possible follow-up.
     */
    static EtcdKvStore connect(EtcdConfig config, String namespace) {
        Client client = Client.builder()
                .endpoints(config.endpoints())
                .namespace(key(namespace))
                .loadBalancerPolicy("round_robin")
                .retryMaxAttempts(0) // reads are retried here, writes never: see the class comment
                .connectTimeout(config.requestTimeout())
                .interceptor(new RequestDeadline(config.requestTimeout()))
                .build();
        EtcdKvStore store = new EtcdKvStore(config, client);
        try {
            store.currentRevision();
        } catch (StoreException.Unavailable e) {
            store.close();
            throw new StoreException.Unavailable("cannot connect to etcd: " + e.getMessage()
                    + " (it is set with --datastore)", e);
        }
        return store;
    }

    @Override
    public long currentRevision() {
        GetOption countOnly = GetOption.builder().withCountOnly(true).build();
        return calls.read(0, () -> kv.get(REVISION_PROBE, countOnly)).getHeader().getRevision();
    }

    @Override
    public long compactRevision() {
        return compaction.revision();
    }

    @Override
    public Optional<KeyValue> get(String key, long revision) {
        Keys.checkKey(key);
        checkRevision(revision);
        GetOption option = GetOption.builder().withRevision(revision).build();
        GetResponse response = calls.read(revision, () -> kv.get(key(key), option));
        return response.getKvs().stream().findFirst().map(Conversions::keyValue);
    }

    @Override
    public RangeResult range(RangeRequest request) {
        // Without a sort order etcd returns keys in byte order and applies the limit itself.
        GetOption option = GetOption.builder()
                .withRange(prefixEnd(request.prefix()))
                .withLimit(request.limit())
                .withRevision(request.revision())
                .build();
        GetResponse response = calls.read(request.revision(), () -> kv.get(key(request.fromKey()), option));
        List<KeyValue> kvs = response.getKvs().stream().map(Conversions::keyValue).toList();
        long servedAt = request.revision() == 0 ? response.getHeader().getRevision() : request.revision();
        return new RangeResult(kvs, servedAt, response.isMore());
    }

    @Override
    public long count(String prefix) {
        GetOption option = GetOption.builder().withRange(prefixEnd(prefix)).withCountOnly(true).build();
        return calls.read(0, () -> kv.get(key(prefix), option)).getCount();
    }

    @Override
    public KeyValue create(String key, byte[] value, Duration ttl) {
        Keys.checkKey(key);
        Objects.requireNonNull(value, "value");
        ByteSequence k = key(key);
        byte[] stored = value.clone();
        return withLease(ttl, lease -> {
            TxnResponse r = write(() -> kv.txn()
                    .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(Op.put(k, Conversions.value(stored), putOption(lease, false)))
                    .Else(Op.get(k, GetOption.DEFAULT))
                    .commit());
            if (!r.isSucceeded()) {
                throw new StoreException.AlreadyExists(found(r, key));
            }
            long revision = r.getHeader().getRevision();
            return new KeyValue(key, stored, revision, revision);
        });
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedRevision, Duration ttl) {
        Keys.checkKey(key);
        Objects.requireNonNull(value, "value");
        checkRevision(expectedRevision);
        ByteSequence k = key(key);
        byte[] stored = value.clone();
        return withLease(ttl, lease -> {
            TxnResponse r = write(() -> kv.txn()
                    .If(exists(k), new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)))
                    .Then(Op.put(k, Conversions.value(stored), putOption(lease, true)))
                    .Else(Op.get(k, GetOption.DEFAULT))
                    .commit());
            if (!r.isSucceeded()) {
                throw failedPrecondition(r, key, expectedRevision);
            }
            var put = r.getPutResponses().getFirst();
            if (!put.hasPrevKv()) {
                throw errors.unavailable("etcd did not return the replaced value of " + key, null);
            }
            return new KeyValue(key, stored, put.getPrevKv().getCreateRevision(), r.getHeader().getRevision());
        });
    }

    @Override
    public Deleted delete(String key, long expectedRevision) {
        Keys.checkKey(key);
        checkRevision(expectedRevision);
        checkOpen();
        ByteSequence k = key(key);
        TxnResponse r = write(() -> kv.txn()
                .If(expectedRevision == 0
                        ? exists(k)
                        : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)))
                .Then(Op.delete(k, DeleteOption.builder().withPrevKV(true).build()))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit());
        if (!r.isSucceeded()) {
            throw failedPrecondition(r, key, expectedRevision);
        }
        var deleted = r.getDeleteResponses().getFirst().getPrevKvs();
        if (deleted.isEmpty()) {
            throw errors.unavailable("etcd did not return the deleted value of " + key, null);
        }
        return new Deleted(r.getHeader().getRevision(), keyValue(deleted.getFirst()));
    }

    @Override
    public Watch watch(String prefix, long afterRevision) {
        Keys.checkPrefix(prefix);
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision must be 0 (now) or positive, not " + afterRevision);
        }
        boolean fromNow = afterRevision == 0;
        long after = fromNow ? currentRevision() : afterRevision;
        checkOpen();
        EtcdWatch watch = new EtcdWatch(watchSettings, prefix, after, fromNow, watches::remove);
        watches.add(watch);
        if (closed) { // close() may have run between checkOpen and add
            watch.fail(new StoreException.Unavailable("the store is closed"));
        }
        watch.start();
        // jetcd opens the stream in the background; wait until etcd has it, so that the caller's
        // next write is seen, and a compaction right after cannot cancel a watch not yet there.
        try {
            if (!watch.awaitEstablished(requestTimeout)) {
                watch.close();
                throw errors.unavailable("no watch of " + prefix + " within " + requestTimeout, null);
            }
        } catch (InterruptedException e) {
            watch.close();
            Thread.currentThread().interrupt();
            throw new StoreException.Unavailable("interrupted while opening a watch of " + prefix, e);
        }
        return watch;
    }

    @Override
    public void compact(long revision) {
        if (revision < 0) {
            throw new IllegalArgumentException("a revision must be positive, not " + revision);
        }
        long known = compaction.revision();
        if (revision <= known) {
            throw new StoreException.Compacted(revision, known);
        }
        checkOpen();
        // Not retried, like a write. etcd compacts to revision r when r is above its compact
        // revision, so a "compacted" answer proves it is at least r.
        calls.call(() -> kv.compact(revision), revision, revision);
        compaction.learn(revision);
    }

    /** Closes the connection; open watches fail with {@link StoreException.Unavailable}. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (EtcdWatch watch : List.copyOf(watches)) {
            watch.fail(new StoreException.Unavailable("the store is closed"));
        }
        watchThread.shutdownNow();
        client.close();
    }

    // --- writes and their leases ---

    private TxnResponse write(Supplier<CompletableFuture<TxnResponse>> txn) {
        return calls.call(txn, 0);
    }

    /**
     * Runs a write with the lease for {@code ttl} (0: none). If etcd no longer has a reused lease
     * the write was refused before it applied anything, so it is retried once with a new lease.
     */
    private <T> T withLease(Duration ttl, LongFunction<T> write) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative: " + ttl);
        }
        checkOpen();
        for (int attempt = 1; ; attempt++) {
            long lease = ttl.isZero() ? 0 : leases.leaseFor(ttl);
            try {
                return write.apply(lease);
            } catch (EtcdErrors.LeaseNotFound e) {
                leases.forget(lease);
                if (lease == 0 || attempt == 2) {
                    throw errors.unavailable("etcd does not know the lease of the write: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * The key exists. etcd compares a missing key's revisions as 0, so "mod revision equals 0"
     * alone would let an update create the key.
     */
    private static Cmp exists(ByteSequence key) {
        return new Cmp(key, Cmp.Op.GREATER, CmpTarget.createRevision(0));
    }

    private static PutOption putOption(long lease, boolean prevKv) {
        PutOption.Builder option = PutOption.builder().withLeaseId(lease);
        return prevKv ? option.withPrevKV().build() : option.build();
    }

    /** The key as the else branch read it. */
    private KeyValue found(TxnResponse r, String key) {
        List<io.etcd.jetcd.KeyValue> kvs = r.getGetResponses().getFirst().getKvs();
        if (kvs.isEmpty()) {
            throw errors.unavailable("etcd reported " + key + " as existing, then read it as absent", null);
        }
        return keyValue(kvs.getFirst());
    }

    private static StoreException failedPrecondition(TxnResponse r, String key, long expectedRevision) {
        List<io.etcd.jetcd.KeyValue> kvs = r.getGetResponses().getFirst().getKvs();
        if (kvs.isEmpty()) {
            return new StoreException.NotFound(key);
        }
        return new StoreException.Conflict(key, expectedRevision, keyValue(kvs.getFirst()));
    }

    private static void checkRevision(long revision) {
        if (revision < 0) {
            throw new IllegalArgumentException("a revision must be 0 or positive, not " + revision);
        }
    }

    private void checkOpen() {
        calls.checkOpen();
    }
}
