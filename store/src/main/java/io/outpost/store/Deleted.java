package io.outpost.store;

/**
 * The result of a delete.
 *
 * @param revision the new global revision, the deletion's own
 * @param previous the value the key held when it was deleted
 */
public record Deleted(long revision, KeyValue previous) {
}
