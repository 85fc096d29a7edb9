package io.outpost.apiserver.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.outpost.store.Deleted;
import io.outpost.store.KeyValue;
import io.outpost.store.KvStore;
import io.outpost.store.RangeRequest;
import io.outpost.store.RangeResult;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The typed storage layer: Kubernetes objects as Jackson trees over the byte-level
 * {@link KvStore}, as kube-apiserver's {@code storage.Interface} is over etcd.
 *
 * <ul>
 *   <li>The store revision of an object's latest write is its {@code metadata.resourceVersion}:
 *       it is stripped before an object is stored and set on every object read.</li>
 *   <li>Writes are compare-and-set on the revision that was read; {@link #guaranteedUpdate}
 *       retries on a conflict with the object the store reported, so {@code tryUpdate} may run
 *       more than once and must be a pure function of the object it is given.</li>
 *   <li>Failures are the store's {@link StoreException} family (and {@link PreconditionFailed});
 *       the registry maps them to {@code Status} answers in one place.</li>
 *   <li>Every create and update of a key carries its {@link KeyTtl}, so a write restarts the
 *       key's expiry (kube's {@code TTLFunc} is asked on each write); an expired key is deleted
 *       by the store, with a DELETE event, as etcd deletes a key whose lease ran out.</li>
 * </ul>
 *
 * <p>Thread model: stateless over a thread-safe store; any thread may call any method at once.
 */
public final class ObjectStore {

    /** Conflicts retried before giving up; each retry means another writer made progress. */
    private static final int MAX_ATTEMPTS = 64;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Computes the new object from the current one (null if none exists). It may run more than once. */
    @FunctionalInterface
    public interface TryUpdate {
        ObjectNode apply(Versioned current);
    }

    /** What a {@link #delete} did: removed the key, or wrote {@code object} instead (graceful deletion, finalizers). */
    public record Deletion(Versioned object, boolean removed) {
    }

    /** A page of objects read at {@code revision}; {@code more} if keys remain after the last one. */
    public record Page(List<Versioned> items, long revision, boolean more) {
    }

    private final KvStore kv;
    private final KeyTtl ttl;

    /** A store where nothing expires. */
    public ObjectStore(KvStore kv) {
        this(kv, KeyTtl.NONE);
    }

    /** A store whose writes expire by {@code ttl}. */
    public ObjectStore(KvStore kv, KeyTtl ttl) {
        this.kv = kv;
        this.ttl = ttl;
    }

    public long currentRevision() {
        return kv.currentRevision();
    }

    public long compactRevision() {
        return kv.compactRevision();
    }

    public Optional<Versioned> get(String key) {
        return kv.get(key).map(ObjectStore::decode);
    }

    /** Stores a new object. @throws StoreException.AlreadyExists if the key exists */
    public Versioned create(String key, ObjectNode object) {
        return decode(kv.create(key, encode(object), ttl.of(key)));
    }

    /**
     * Reads the object at {@code key}, checks {@code preconditions}, and writes what
     * {@code tryUpdate} makes of it, retrying from the newer object on a conflict. An update that
     * changes nothing is not written (the resourceVersion stays), as in kube-apiserver.
     *
     * @param createIfMissing call {@code tryUpdate} with null when the key is missing and create
     *                        the result; otherwise a missing key is {@link StoreException.NotFound}
     */
    public Versioned guaranteedUpdate(String key, boolean createIfMissing, Preconditions preconditions, TryUpdate tryUpdate) {
        Versioned current = get(key).orElse(null);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (current == null && !createIfMissing) {
                throw new StoreException.NotFound(key);
            }
            if (current != null) {
                checkPreconditions(preconditions, current);
            }
            ObjectNode updated = tryUpdate.apply(current == null ? null : copy(current));
            byte[] bytes = encode(updated);
            try {
                if (current == null) {
                    return decode(kv.create(key, bytes, ttl.of(key)));
                }
                if (unchanged(updated, current)) {
                    return current;
                }
                return decode(kv.update(key, bytes, current.revision(), ttl.of(key)));
            } catch (StoreException.AlreadyExists e) {
                current = decode(e.existing());
            } catch (StoreException.Conflict e) {
                current = e.current() == null ? null : decode(e.current());
            }
        }
        throw new StoreException.Unavailable("too many concurrent writers on " + key + "; try again");
    }

    /**
     * Deletes the object at {@code key} once it meets {@code preconditions}, unless
     * {@code keepInstead} (given the current object) returns an object to write instead, as
     * graceful deletion and finalizers do; it returns null to delete. It may run more than once.
     * A removed object is returned as it was, with the deletion's revision as its resourceVersion
     * (what kube-apiserver sends in the DELETED watch event).
     */
    public Deletion delete(String key, Preconditions preconditions, UnaryOperator<ObjectNode> keepInstead) {
        Versioned current = get(key).orElseThrow(() -> new StoreException.NotFound(key));
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            checkPreconditions(preconditions, current);
            ObjectNode kept = keepInstead.apply(copy(current).object());
            try {
                if (kept == null) {
                    Deleted deleted = kv.delete(key, current.revision());
                    return new Deletion(decode(deleted.previous(), deleted.revision()), true);
                }
                byte[] bytes = encode(kept);
                if (unchanged(kept, current)) {
                    return new Deletion(current, false);
                }
                return new Deletion(decode(kv.update(key, bytes, current.revision(), ttl.of(key))), false);
            } catch (StoreException.Conflict e) {
                if (e.current() == null) {
                    throw new StoreException.NotFound(key);
                }
                current = decode(e.current());
            }
        }
        throw new StoreException.Unavailable("too many concurrent writers on " + key + "; try again");
    }

    /**
     * What {@link #delete} would do now, without writing: the dry run of a delete. The object kept
     * instead keeps the current resourceVersion, as kube's dry-run storage answers.
     */
    public Deletion previewDelete(String key, Preconditions preconditions, UnaryOperator<ObjectNode> keepInstead) {
        Versioned current = get(key).orElseThrow(() -> new StoreException.NotFound(key));
        checkPreconditions(preconditions, current);
        ObjectNode kept = keepInstead.apply(copy(current).object());
        return kept == null ? new Deletion(current, true) : new Deletion(new Versioned(key, kept, current.revision()), false);
    }

    /** A page of the objects under {@code prefix}; see {@link RangeRequest}. */
    public Page list(String prefix, String startKey, int limit, long revision) {
        RangeResult result = kv.range(new RangeRequest(prefix, startKey, limit, revision));
        List<Versioned> items = new ArrayList<>(result.kvs().size());
        for (KeyValue kvp : result.kvs()) {
            items.add(decode(kvp));
        }
        return new Page(items, result.revision(), result.more());
    }

    /** The raw store watch; decode its events with {@link #decode(KeyValue, long)}. */
    public Watch watch(String prefix, long afterRevision) {
        return kv.watch(prefix, afterRevision);
    }

    public static Versioned decode(KeyValue kvp) {
        return decode(kvp, kvp.modRevision());
    }

    /** Decodes a stored value, giving it {@code revision} as its resourceVersion. */
    public static Versioned decode(KeyValue kvp, long revision) {
        JsonNode tree = JSON.readTree(kvp.value());
        if (!(tree instanceof ObjectNode object)) {
            throw new StoreException.Unavailable("the value at " + kvp.key() + " is not a JSON object");
        }
        object.withObject("metadata").put("resourceVersion", Long.toString(revision));
        return new Versioned(kvp.key(), object, revision);
    }

    /** The stored form: the object without its resourceVersion, which the store's revision is. */
    static byte[] encode(ObjectNode object) {
        return JSON.writeValueAsBytes(stripped(object));
    }

    /**
     * Equal as stored trees: field order and the resourceVersion aside, and numbers compared as
     * they read back (an int and a long of the same value are the same stored JSON).
     */
    private static boolean unchanged(ObjectNode updated, Versioned current) {
        return JSON.readTree(encode(updated)).equals(JSON.readTree(encode(current.object())));
    }

    private static ObjectNode stripped(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode meta) {
            meta.remove("resourceVersion");
        }
        return copy;
    }

    private static Versioned copy(Versioned v) {
        return new Versioned(v.key(), v.object().deepCopy(), v.revision());
    }

    private static void checkPreconditions(Preconditions preconditions, Versioned current) {
        String violation = preconditions.violation(current.object());
        if (violation != null) {
            throw new PreconditionFailed(violation);
        }
    }
}
