package io.outpost.store;

import java.time.Duration;
import java.util.Optional;

/**
 * A revisioned key-value store with etcd's semantics: the byte-level layer under every Kubernetes
 * object the API server keeps (shaped like kine's {@code Backend}).
 *
 * <ul>
 *   <li>Every write gets a new global revision, one greater than the last; a key's
 *       {@code modRevision} is the revision of its latest write and becomes the object's
 *       {@code resourceVersion}.</li>
 *   <li>A write returns only once it is durable (for the SQLite backend: on disk).</li>
 *   <li>History is kept until {@link #compact compacted}; reads at, and watches from, a compacted
 *       revision fail with {@link StoreException.Compacted}.</li>
 *   <li>Failures are the sealed {@link StoreException} family; invalid arguments (an empty key, a
 *       negative limit) are {@link IllegalArgumentException}.</li>
 * </ul>
 *
 * <p>Thread model: every method may be called from any thread, platform or virtual, at once.
 */
public interface KvStore extends AutoCloseable {

    /** A ttl meaning "never expires". */
    Duration NO_TTL = Duration.ZERO;

    /** The revision of the latest write (0 or the backend's base revision for an empty store). */
    long currentRevision();

    /** The revision up to which history has been compacted (0 if never). */
    long compactRevision();

    /** The latest value of {@code key}, if it exists. */
    default Optional<KeyValue> get(String key) {
        return get(key, 0);
    }

    /**
     * The value {@code key} had as of {@code revision} (0: the latest).
     *
     * @throws StoreException.Compacted if {@code revision} is older than the compact revision
     * @throws IllegalArgumentException if {@code revision} is negative or in the future
     */
    Optional<KeyValue> get(String key, long revision);

    /** A page of the live keys under a prefix; see {@link RangeRequest}. */
    RangeResult range(RangeRequest request);

    /** How many live keys there are under {@code prefix}. */
    long count(String prefix);

    /**
     * Creates {@code key}; it expires (is deleted, with a DELETE event) after {@code ttl} unless
     * {@code ttl} is {@link #NO_TTL}. Returns the stored version.
     *
     * @throws StoreException.AlreadyExists if the key exists
     */
    KeyValue create(String key, byte[] value, Duration ttl);

    default KeyValue create(String key, byte[] value) {
        return create(key, value, NO_TTL);
    }

    /**
     * Replaces the value of {@code key} if its current {@code modRevision} is
     * {@code expectedRevision}, the revision the caller read; 0 matches no key (only
     * {@link #delete} takes 0 as "any revision"). Like etcd's put, the write sets the key's expiry
     * afresh: it expires {@code ttl} after this write, or never with {@link #NO_TTL}.
     *
     * @throws StoreException.NotFound if the key does not exist
     * @throws StoreException.Conflict if the key's revision is another
     */
    KeyValue update(String key, byte[] value, long expectedRevision, Duration ttl);

    default KeyValue update(String key, byte[] value, long expectedRevision) {
        return update(key, value, expectedRevision, NO_TTL);
    }

    /**
     * Deletes {@code key} if its current {@code modRevision} is {@code expectedRevision}, or
     * whatever its revision if {@code expectedRevision} is 0.
     *
     * @throws StoreException.NotFound if the key does not exist
     * @throws StoreException.Conflict if the key's revision is another
     */
    Deleted delete(String key, long expectedRevision);

    default Deleted delete(String key) {
        return delete(key, 0);
    }

    /**
     * Watches every key under {@code prefix}, starting with every event after
     * {@code afterRevision} (0: from now on). Events arrive in revision order with no gap. If
     * {@code afterRevision} is below {@link #compactRevision()} the first {@link Watch#poll} fails
     * with {@link StoreException.Compacted}. A future revision is allowed: the watch starts there.
     */
    Watch watch(String prefix, long afterRevision);

    /**
     * Discards the history older than {@code revision}: afterwards the state at {@code revision}
     * and every later revision can still be read, earlier ones cannot.
     *
     * @throws StoreException.Compacted if the store is already compacted to {@code revision} or past it
     * @throws IllegalArgumentException if {@code revision} is in the future
     */
    void compact(long revision);

    /** Releases the backend; idempotent. Open watches end with {@link StoreException.Unavailable}. */
    @Override
    void close();
}
