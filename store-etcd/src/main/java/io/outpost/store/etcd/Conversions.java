package io.outpost.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Arrays;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.watch.WatchEvent;
import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.Keys;

/**
 * Between Outpost's keys and values and jetcd's bytes. Keys travel as UTF-8; etcd orders them by
 * bytes, which for the ASCII keys of Kubernetes is {@link String#compareTo} order (see {@link Keys}).
 */
final class Conversions {

    private Conversions() {
    }

    static ByteSequence key(String key) {
        return ByteSequence.from(key, UTF_8);
    }

    static ByteSequence value(byte[] value) {
        return ByteSequence.from(value); // copies
    }

    /**
     * The end of the range of every key starting with {@code prefix}, exclusive: etcd's
     * {@code GetPrefixRangeEnd}, on the prefix's UTF-8 bytes (the last byte below 0xFF incremented,
     * any 0xFF bytes after it dropped). A prefix of only 0xFF bytes cannot occur: UTF-8 has none.
     */
    static ByteSequence prefixEnd(String prefix) {
        byte[] end = Keys.checkPrefix(prefix).getBytes(UTF_8);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return ByteSequence.from(Arrays.copyOf(end, i + 1));
            }
        }
        throw new IllegalArgumentException("the prefix " + prefix + " has no range end");
    }

    static KeyValue keyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().toString(UTF_8), kv.getValue().getBytes(), kv.getCreateRevision(),
                kv.getModRevision());
    }

    /**
     * The event for one of etcd's, which must carry the previous value (the watch asks for it);
     * null if it does not although the key had one: etcd reads that value at the event's revision
     * minus one, and finds nothing if a compaction got there first.
     */
    static Event event(WatchEvent e) {
        io.etcd.jetcd.KeyValue prev = e.getPrevKV();
        boolean hasPrev = prev != null && !prev.getKey().isEmpty();
        return switch (e.getEventType()) {
            case PUT -> {
                KeyValue kv = keyValue(e.getKeyValue());
                // version 1 is the first write of this incarnation of the key: a create, no prev
                if (!hasPrev && e.getKeyValue().getVersion() > 1) {
                    yield null;
                }
                yield Event.put(kv, hasPrev ? keyValue(prev) : null);
            }
            case DELETE -> hasPrev ? Event.delete(e.getKeyValue().getModRevision(), keyValue(prev)) : null;
            case UNRECOGNIZED -> throw new IllegalStateException("etcd sent an event of an unknown type for "
                    + e.getKeyValue().getKey());
        };
    }
}
