package io.outpost.agent.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import io.outpost.store.KeyValue;
import io.outpost.store.KvStore;
import io.outpost.store.RangeRequest;
import io.outpost.store.sqlite.SqliteConfig;
import io.outpost.store.sqlite.SqliteKvStore;
import io.outpost.tunnel.Frame;
import io.outpost.tunnel.FrameCodec;
import io.outpost.tunnel.ObjectKind;
import io.outpost.tunnel.ObjectRef;

/**
 * The agent's durable state, in the {@code store} module's SQLite {@link KvStore} (file
 * {@code DATA_DIR/sync.db}; every write is durable when it returns, so what the agent
 * acknowledged survives a crash or a power cut):
 * <ul>
 *   <li>{@code /desired/<kind>/<namespace>/<name>}: each object of the node's projection, as the
 *       JSON the server sent, under a 20-digit resourceVersion prefix line (so the version is read
 *       without parsing the object);</li>
 *   <li>{@code /tokens/<namespace>/<pod>/<audience, URL-encoded>/<expirationSeconds>}: the latest
 *       service-account token the server sent for each token source of a pod (the pod's uid, the
 *       expiry in epoch seconds and the token, one per line), dropped with the pod;</li>
 *   <li>{@code /meta/revision}: the store revision up to which the agent has every change;</li>
 *   <li>{@code /meta/seq}: read only, from older stores: the numbering of reports now goes on
 *       from the highest one waiting (one commit per report rather than two);</li>
 *   <li>{@code /pending/...}: reports not yet acknowledged by the server, encoded as frames,
 *       one per pod, one for the node (coalesced: a newer report replaces the older one under its
 *       key), one per terminated pod and one per event.</li>
 * </ul>
 *
 * <p>Thread model: any thread; writes are serialised by one lock (the database has one writer
 * anyway). Reads of {@link #objects} and {@link #pending} are for start-up and reconnects.
 */
final class LocalStore implements AutoCloseable {

    private static final String DESIRED = "/desired/";
    private static final String PENDING = "/pending/";
    private static final String TOKENS = "/tokens/";
    private static final String REVISION = "/meta/revision";
    private static final String SEQ = "/meta/seq";
    /** At most this many events wait for the link; older ones are dropped (Events are best effort in kube too). */
    static final int MAX_PENDING_EVENTS = 1_000;

    /** One stored object: its resourceVersion and JSON body. */
    record Stored(ObjectRef ref, long resourceVersion, byte[] json) {
    }

    private final KvStore kv;
    private final ReentrantLock writes = new ReentrantLock();
    private long seq; // guarded by writes
    private int pendingEvents; // guarded by writes

    private LocalStore(KvStore kv) {
        this.kv = kv;
        this.pendingEvents = (int) kv.count(PENDING + "event/");
        // Numbering goes on above every waiting report, so that an ack never drops a newer one.
        // /meta/seq is read from stores written before each report stopped costing a second commit.
        this.seq = Math.max(readLong(SEQ), pending().stream().mapToLong(Frame.Report::seq).max().orElse(0));
    }

    /** @throws IOException naming the file and the fix (another agent holds it, a read-only disk) */
    static LocalStore open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        try {
            return new LocalStore(SqliteKvStore.open(SqliteConfig.defaults(dataDir.resolve("sync.db")).withReaders(1)));
        } catch (io.outpost.store.StoreException e) {
            throw new IOException("--data-dir " + dataDir + ": cannot open the agent's local store: " + e.getMessage(), e);
        }
    }

    /** Every object held, in key order. */
    List<Stored> objects() {
        List<Stored> out = new ArrayList<>();
        for (KeyValue kv : this.kv.range(RangeRequest.all(DESIRED)).kvs()) {
            out.add(decodeObject(kv));
        }
        return out;
    }

    /** Writes (or replaces) an object at {@code resourceVersion}. */
    void putObject(ObjectRef ref, long resourceVersion, byte[] json) {
        put(key(ref), objectValue(resourceVersion, json));
    }

    private static byte[] objectValue(long resourceVersion, byte[] json) {
        byte[] header = String.format("%020d\n", resourceVersion).getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[header.length + json.length];
        System.arraycopy(header, 0, value, 0, header.length);
        System.arraycopy(json, 0, value, header.length, json.length);
        return value;
    }

    /**
     * Writes (a null value: deletes) several objects, each under its own key, all at once: one
     * virtual thread per object submits its write, so the SQLite writer's group commit makes them
     * one transaction and one fsync where one thread would wait for a commit per object. The keys
     * are distinct and only the sync loop writes objects, so no lock is needed between them.
     * Returns once every write is durable; the first failure is thrown.
     */
    void writeObjects(Map<ObjectRef, Stored> objects) {
        if (objects.size() == 1) {
            Map.Entry<ObjectRef, Stored> only = objects.entrySet().iterator().next();
            if (only.getValue() == null) {
                deleteObject(only.getKey());
            } else {
                putObject(only.getKey(), only.getValue().resourceVersion(), only.getValue().json());
            }
            return;
        }
        List<java.util.concurrent.Future<?>> writes = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Map.Entry<ObjectRef, Stored> e : objects.entrySet()) {
                String key = key(e.getKey());
                Stored s = e.getValue();
                writes.add(threads.submit(() -> {
                    if (s == null) {
                        write(key, null);
                    } else {
                        write(key, objectValue(s.resourceVersion(), s.json()));
                    }
                }));
            }
            for (java.util.concurrent.Future<?> w : writes) {
                try {
                    w.get();
                } catch (java.util.concurrent.ExecutionException ex) {
                    if (ex.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(ex.getCause());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted writing objects", ex);
                }
            }
        }
    }

    /** A put or (null value) delete of one key, without the writes lock: for keys no other thread writes. */
    private void write(String key, byte[] value) {
        Optional<KeyValue> current = kv.get(key);
        if (value == null) {
            if (current.isPresent()) {
                kv.delete(key);
            }
        } else if (current.isEmpty()) {
            kv.create(key, value);
        } else if (!java.util.Arrays.equals(current.get().value(), value)) {
            kv.update(key, value, current.get().modRevision());
        }
    }

    void deleteObject(ObjectRef ref) {
        delete(key(ref));
    }

    /** One stored service-account token. */
    record StoredToken(String namespace, String pod, String podUid, String audience, long expirationSeconds, long expiresAt,
                       String token) {
        @Override
        public String toString() {
            return "StoredToken[" + namespace + "/" + pod + " " + audience + " " + expirationSeconds + "s]";
        }
    }

    /** Writes (or replaces) the token of one source of a pod. */
    void putToken(StoredToken t) {
        put(tokenKey(t.namespace(), t.pod(), t.audience(), t.expirationSeconds()),
                (t.podUid() + "\n" + t.expiresAt() + "\n" + t.token()).getBytes(StandardCharsets.UTF_8));
    }

    /** Drops every token of pod {@code namespace/pod}. */
    void deleteTokens(String namespace, String pod) {
        writes.lock();
        try {
            for (KeyValue kv : this.kv.range(RangeRequest.all(TOKENS + namespace + "/" + pod + "/")).kvs()) {
                delete(kv.key());
            }
        } finally {
            writes.unlock();
        }
    }

    /** Every token held. */
    List<StoredToken> tokens() {
        List<StoredToken> out = new ArrayList<>();
        for (KeyValue kv : this.kv.range(RangeRequest.all(TOKENS)).kvs()) {
            String[] key = kv.key().substring(TOKENS.length()).split("/", 4);
            String[] value = new String(kv.value(), StandardCharsets.UTF_8).split("\n", 3);
            if (key.length == 4 && value.length == 3) {
                out.add(new StoredToken(key[0], key[1], value[0], java.net.URLDecoder.decode(key[2], StandardCharsets.UTF_8),
                        Long.parseLong(key[3]), Long.parseLong(value[1]), value[2]));
            }
        }
        return out;
    }

    private static String tokenKey(String namespace, String pod, String audience, long expirationSeconds) {
        return TOKENS + namespace + "/" + pod + "/" + java.net.URLEncoder.encode(audience, StandardCharsets.UTF_8) + "/" + expirationSeconds;
    }

    long revision() {
        return readLong(REVISION);
    }

    void setRevision(long revision) {
        writes.lock();
        try {
            if (revision > readLong(REVISION)) {
                put(REVISION, Long.toString(revision).getBytes(StandardCharsets.US_ASCII));
            }
        } finally {
            writes.unlock();
        }
    }

    /**
     * Stores a report under {@code coalesceKey} (replacing the one waiting there), numbered with
     * the next sequence number, and returns it numbered.
     */
    Frame.Report addReport(String coalesceKey, java.util.function.LongFunction<Frame.Report> numbered) {
        writes.lock();
        try {
            seq++;
            Frame.Report report = numbered.apply(seq);
            String key = PENDING + coalesceKey;
            if (report instanceof Frame.EventReport) {
                key = PENDING + "event/" + String.format("%020d", seq);
                if (pendingEvents >= MAX_PENDING_EVENTS) {
                    List<KeyValue> oldest = kv.range(RangeRequest.all(PENDING + "event/").withLimit(1)).kvs();
                    if (!oldest.isEmpty()) {
                        delete(oldest.getFirst().key());
                        pendingEvents--;
                    }
                }
                pendingEvents++;
            }
            put(key, FrameCodec.encode(report));
            return report;
        } finally {
            writes.unlock();
        }
    }

    /** Every waiting report, by sequence number. */
    List<Frame.Report> pending() {
        List<Frame.Report> out = new ArrayList<>();
        for (KeyValue kv : this.kv.range(RangeRequest.all(PENDING)).kvs()) {
            out.add((Frame.Report) FrameCodec.decode(kv.value()));
        }
        out.sort(java.util.Comparator.comparingLong(Frame.Report::seq));
        return out;
    }

    /** Drops the waiting reports numbered up to {@code seq}; a newer report under the same key stays. */
    void acknowledged(long ackedSeq) {
        writes.lock();
        try {
            Map<String, Frame.Report> done = new LinkedHashMap<>();
            for (KeyValue kv : this.kv.range(RangeRequest.all(PENDING)).kvs()) {
                Frame.Report r = (Frame.Report) FrameCodec.decode(kv.value());
                if (r.seq() <= ackedSeq) {
                    done.put(kv.key(), r);
                }
            }
            for (Map.Entry<String, Frame.Report> e : done.entrySet()) {
                delete(e.getKey());
                if (e.getValue() instanceof Frame.EventReport) {
                    pendingEvents--;
                }
            }
        } finally {
            writes.unlock();
        }
    }

    private void put(String key, byte[] value) {
        writes.lock();
        try {
            Optional<KeyValue> current = kv.get(key);
            if (current.isEmpty()) {
                kv.create(key, value);
            } else if (!java.util.Arrays.equals(current.get().value(), value)) {
                kv.update(key, value, current.get().modRevision());
            }
        } finally {
            writes.unlock();
        }
    }

    private void delete(String key) {
        writes.lock();
        try {
            if (kv.get(key).isPresent()) {
                kv.delete(key);
            }
        } finally {
            writes.unlock();
        }
    }

    private long readLong(String key) {
        return kv.get(key).map(v -> Long.parseLong(new String(v.value(), StandardCharsets.US_ASCII))).orElse(0L);
    }

    static String key(ObjectRef ref) {
        return DESIRED + ref.kind().code() + "/" + (ref.kind().namespaced() ? ref.namespace() + "/" : "") + ref.name();
    }

    private static Stored decodeObject(KeyValue kv) {
        String[] parts = kv.key().substring(DESIRED.length()).split("/", 3);
        ObjectKind kind = ObjectKind.ofCode(Integer.parseInt(parts[0]));
        ObjectRef ref = kind.namespaced() ? new ObjectRef(kind, parts[1], parts[2]) : ObjectRef.node(parts[1]);
        byte[] v = kv.value();
        long rv = Long.parseLong(new String(v, 0, 20, StandardCharsets.US_ASCII));
        return new Stored(ref, rv, java.util.Arrays.copyOfRange(v, 21, v.length));
    }

    @Override
    public void close() {
        kv.close();
    }
}
