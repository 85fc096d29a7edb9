package io.outpost.store;

/**
 * Every failure a {@link KvStore} reports. The family is closed so that the API server maps each
 * to an HTTP status in exactly one place (NotFound 404, AlreadyExists 409, Conflict 409,
 * Compacted 410 Gone, Unavailable 503/504).
 */
public abstract sealed class StoreException extends RuntimeException {

    private StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The key does not exist (or not at the revision asked for). */
    public static final class NotFound extends StoreException {
        private final String key;

        public NotFound(String key) {
            super("key not found: " + key, null);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    /** A create found the key already there. */
    public static final class AlreadyExists extends StoreException {
        private final KeyValue existing;

        public AlreadyExists(KeyValue existing) {
            super("key already exists: " + existing.key() + " (revision " + existing.modRevision() + ")", null);
            this.existing = existing;
        }

        public KeyValue existing() {
            return existing;
        }
    }

    /**
     * A compare-and-set saw another revision than the caller expected. {@link #current()} is what
     * the key holds now (null if it was deleted), so the caller can retry without another read,
     * as kube-apiserver's {@code GuaranteedUpdate} does.
     */
    public static final class Conflict extends StoreException {
        private final String key;
        private final long expectedRevision;
        private final KeyValue current;

        public Conflict(String key, long expectedRevision, KeyValue current) {
            super("conflict on " + key + ": expected revision " + expectedRevision + ", found "
                    + (current == null ? "no key" : "revision " + current.modRevision()), null);
            this.key = key;
            this.expectedRevision = expectedRevision;
            this.current = current;
        }

        public String key() {
            return key;
        }

        public long expectedRevision() {
            return expectedRevision;
        }

        public KeyValue current() {
            return current;
        }
    }

    /** The revision asked for is older than the oldest one kept; the caller must re-list. */
    public static final class Compacted extends StoreException {
        private final long requestedRevision;
        private final long compactRevision;

        public Compacted(long requestedRevision, long compactRevision) {
            super("revision " + requestedRevision + " has been compacted (oldest kept: " + compactRevision + ")", null);
            this.requestedRevision = requestedRevision;
            this.compactRevision = compactRevision;
        }

        public long requestedRevision() {
            return requestedRevision;
        }

        public long compactRevision() {
            return compactRevision;
        }
    }

    /**
     * The store could not do what was asked: its backend failed or is unreachable, it is closed, or a
     * watcher fell behind and was dropped. A write that fails this way may or may not have been
     * applied; it was not acknowledged.
     */
    public static final class Unavailable extends StoreException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }

        public Unavailable(String message) {
            super(message, null);
        }
    }
}
