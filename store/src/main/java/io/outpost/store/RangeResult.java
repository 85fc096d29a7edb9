package io.outpost.store;

import java.util.List;

/**
 * A page of a range read.
 *
 * @param kvs      the live keys, in key order
 * @param revision the revision the read was served at; pass it back to read the next page from
 *                 the same snapshot
 * @param more     whether keys remain after the last one returned
 */
public record RangeResult(List<KeyValue> kvs, long revision, boolean more) {

    public RangeResult {
        kvs = List.copyOf(kvs);
    }

    /** The start key of the next page: the smallest key greater than the last one returned. */
    public String nextStartKey() {
        if (!more || kvs.isEmpty()) {
            throw new IllegalStateException("there is no next page");
        }
        return kvs.getLast().key() + '\0';
    }
}
