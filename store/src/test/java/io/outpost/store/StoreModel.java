package io.outpost.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The simplest {@link KvStore} that could be right, as the oracle of
 * {@link KvStoreModelProperties}: a list of every event ever written, and each state computed by
 * replaying it. Compaction forgets nothing; it only makes older revisions unreadable.
 *
 * <p>Only what the property test calls: no ttl, no watch. Arguments are assumed valid.
 * Thread model: one test thread.
 */
final class StoreModel implements KvStore {

    private final List<Event> log = new ArrayList<>();
    private long revision;
    private long compactRevision;

    /** A model of a store that is empty at {@code revision} and compacted up to {@code compactRevision}. */
    StoreModel(long revision, long compactRevision) {
        this.revision = revision;
        this.compactRevision = compactRevision;
    }

    @Override
    public long currentRevision() {
        return revision;
    }

    @Override
    public long compactRevision() {
        return compactRevision;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return Optional.ofNullable(stateAt(revision).get(key));
    }

    @Override
    public Optional<KeyValue> get(String key, long at) {
        return Optional.ofNullable(readableStateAt(at).get(key));
    }

    @Override
    public RangeResult range(RangeRequest request) {
        long at = request.revision() == 0 ? revision : request.revision();
        List<KeyValue> matching = readableStateAt(at).values().stream()
                .filter(kv -> request.matches(kv.key()))
                .toList();
        int limit = request.limit() == 0 ? matching.size() : Math.min(request.limit(), matching.size());
        return new RangeResult(matching.subList(0, limit), at, limit < matching.size());
    }

    @Override
    public long count(String prefix) {
        return stateAt(revision).keySet().stream().filter(k -> k.startsWith(prefix)).count();
    }

    @Override
    public KeyValue create(String key, byte[] value, Duration ttl) {
        requireNoTtl(ttl);
        KeyValue current = get(key).orElse(null);
        if (current != null) {
            throw new StoreException.AlreadyExists(current);
        }
        KeyValue kv = new KeyValue(key, value.clone(), revision + 1, revision + 1);
        append(Event.put(kv, null));
        return kv;
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedRevision, Duration ttl) {
        requireNoTtl(ttl);
        KeyValue current = matching(key, expectedRevision);
        KeyValue kv = new KeyValue(key, value.clone(), current.createRevision(), revision + 1);
        append(Event.put(kv, current));
        return kv;
    }

    @Override
    public Deleted delete(String key, long expectedRevision) {
        KeyValue current = expectedRevision == 0 ? get(key).orElseThrow(() -> new StoreException.NotFound(key))
                : matching(key, expectedRevision);
        append(Event.delete(revision + 1, current));
        return new Deleted(revision, current);
    }

    @Override
    public void compact(long target) {
        if (target > revision) {
            throw new IllegalArgumentException("compaction to future revision " + target);
        }
        if (target <= compactRevision) {
            throw new StoreException.Compacted(target, compactRevision);
        }
        compactRevision = target;
    }

    /** The events under {@code prefix} after revision {@code after}, oldest first. */
    List<Event> eventsAfter(String prefix, long after) {
        return log.stream().filter(e -> e.revision() > after && e.key().startsWith(prefix)).toList();
    }

    @Override
    public Watch watch(String prefix, long afterRevision) {
        throw new UnsupportedOperationException("the model's watch is eventsAfter");
    }

    @Override
    public void close() {
    }

    private KeyValue matching(String key, long expectedRevision) {
        KeyValue current = get(key).orElseThrow(() -> new StoreException.NotFound(key));
        if (current.modRevision() != expectedRevision) {
            throw new StoreException.Conflict(key, expectedRevision, current);
        }
        return current;
    }

    private void append(Event e) {
        revision = e.revision();
        log.add(e);
    }

    private TreeMap<String, KeyValue> readableStateAt(long at) {
        if (at < compactRevision) {
            throw new StoreException.Compacted(at, compactRevision);
        }
        return stateAt(at);
    }

    private TreeMap<String, KeyValue> stateAt(long at) {
        TreeMap<String, KeyValue> state = new TreeMap<>();
        for (Event e : log) {
            if (e.revision() > at) {
                break;
            }
            if (e.type() == Event.Type.PUT) {
                state.put(e.key(), e.kv());
            } else {
                state.remove(e.key());
            }
        }
        return state;
    }

    private static void requireNoTtl(Duration ttl) {
        if (!ttl.isZero()) {
            throw new UnsupportedOperationException("the model has no ttl");
        }
    }
}
