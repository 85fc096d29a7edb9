package io.outpost.store;

/**
 * A read of every live key under a prefix, in key order.
 *
 * @param prefix   keys that start with this string; must not be empty
 * @param startKey continue from this key (inclusive), or null to start at the prefix; use
 *                 {@link RangeResult#nextStartKey()} to page
 * @param limit    at most this many keys, or 0 for all of them
 * @param revision read the state as of this revision, or 0 for the latest; paging with the revision
 *                 of the first page gives a consistent snapshot (Kubernetes' continue tokens)
 */
public record RangeRequest(String prefix, String startKey, int limit, long revision) {

    public RangeRequest {
        Keys.checkPrefix(prefix);
        if (startKey != null && !startKey.startsWith(prefix)) {
            throw new IllegalArgumentException("startKey " + startKey + " is outside the prefix " + prefix);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 (no limit) or positive, not " + limit);
        }
        if (revision < 0) {
            throw new IllegalArgumentException("revision must be 0 (latest) or positive, not " + revision);
        }
    }

    public static RangeRequest all(String prefix) {
        return new RangeRequest(prefix, null, 0, 0);
    }

    public RangeRequest withLimit(int newLimit) {
        return new RangeRequest(prefix, startKey, newLimit, revision);
    }

    public RangeRequest atRevision(long newRevision) {
        return new RangeRequest(prefix, startKey, limit, newRevision);
    }

    public RangeRequest startingAt(String key) {
        return new RangeRequest(prefix, key, limit, revision);
    }

    /** The first key this request may return. */
    public String fromKey() {
        return startKey == null ? prefix : startKey;
    }

    public String toKey() {
        return Keys.prefixEnd(prefix);
    }

    public boolean matches(String key) {
        return key.startsWith(prefix) && key.compareTo(fromKey()) >= 0;
    }
}
