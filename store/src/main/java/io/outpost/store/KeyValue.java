package io.outpost.store;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One version of one key, as etcd's {@code mvccpb.KeyValue}.
 *
 * @param key            the full key, e.g. {@code /registry/core/pods/default/web-0}
 * @param value          the stored bytes (JSON for Kubernetes objects); empty in the key of a DELETE event
 * @param createRevision the revision at which this incarnation of the key was created
 * @param modRevision    the revision of the write that produced this version; it becomes the
 *                       object's {@code metadata.resourceVersion}
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue kv
                && key.equals(kv.key)
                && createRevision == kv.createRevision
                && modRevision == kv.modRevision
                && Arrays.equals(value, kv.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, createRevision, modRevision, Arrays.hashCode(value));
    }

    @Override
    public String toString() {
        String shown = value.length <= 32 ? HexFormat.of().formatHex(value) : value.length + " bytes";
        return "KeyValue[" + key + " create=" + createRevision + " mod=" + modRevision + " value=" + shown + "]";
    }
}
