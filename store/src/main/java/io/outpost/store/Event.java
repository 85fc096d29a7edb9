package io.outpost.store;

import java.util.Objects;

/**
 * One change seen by a watch, with etcd's shape.
 *
 * <p>For a {@link Type#PUT} {@code kv} is the new version and {@code prev} the version it replaced
 * (null for a create). For a {@link Type#DELETE} {@code kv} carries the key, an empty value and the
 * deletion's revision as {@code modRevision}; {@code prev} is the value that was deleted (never null).
 */
public record Event(Type type, KeyValue kv, KeyValue prev) {

    public enum Type { PUT, DELETE }

    public Event {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
        if (type == Type.DELETE) {
            Objects.requireNonNull(prev, "a DELETE event carries the deleted value");
        }
    }

    /** The revision of the write that produced this event. */
    public long revision() {
        return kv.modRevision();
    }

    public String key() {
        return kv.key();
    }

    public static Event put(KeyValue kv, KeyValue prev) {
        return new Event(Type.PUT, kv, prev);
    }

    public static Event delete(long revision, KeyValue deleted) {
        return new Event(Type.DELETE, new KeyValue(deleted.key(), new byte[0], 0, revision), deleted);
    }
}
