package io.outpost.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

import io.outpost.store.Deleted;
import io.outpost.store.Event;
import io.outpost.store.KeyValue;
import io.outpost.store.Keys;
import io.outpost.store.KvStore;
import io.outpost.store.RangeRequest;
import io.outpost.store.RangeResult;
import io.outpost.store.StoreException;
import io.outpost.store.Watch;
import io.outpost.store.watch.WatchHub;

/**
 * A {@link KvStore} held in memory, for unit tests of other modules. Nothing is durable.
 *
 * <p>Thread model: every operation takes one {@link ReentrantLock}, so writes are applied and
 * published in revision order. It starts no threads: expiry happens when {@link #expireDue()} is
 * called (tests advance a fake clock first), and compaction when {@link #compact} is.
 */
public final class InMemoryKvStore implements KvStore {

    /** One version of a key; a tombstone marks a deletion. */
    private record Row(KeyValue kv, boolean tombstone, long expiresAt) {
    }

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, TreeMap<Long, Row>> versions = new TreeMap<>();
    private final TreeMap<Long, Row> log = new TreeMap<>();
    private final WatchHub hub;
    private long revision;
    private long compactRevision;

    public InMemoryKvStore(Clock clock, int watchBuffer) {
        this.clock = clock;
        this.hub = new WatchHub(0, this::history, watchBuffer);
    }

    public InMemoryKvStore(Clock clock) {
        this(clock, 10_000);
    }

    public InMemoryKvStore() {
        this(Clock.systemUTC());
    }

    @Override
    public long currentRevision() {
        return locked(() -> revision);
    }

    @Override
    public long compactRevision() {
        return locked(() -> compactRevision);
    }

    @Override
    public Optional<KeyValue> get(String key, long atRevision) {
        Keys.checkKey(key);
        checkRevision(atRevision);
        return locked(() -> Optional.ofNullable(liveAt(versions.get(key), readRevision(atRevision))).map(Row::kv));
    }

    @Override
    public RangeResult range(RangeRequest request) {
        return locked(() -> {
            long at = readRevision(request.revision());
            List<KeyValue> out = new ArrayList<>();
            boolean more = false;
            for (Map.Entry<String, TreeMap<Long, Row>> e
                    : versions.subMap(request.fromKey(), true, request.toKey(), false).entrySet()) {
                Row row = liveAt(e.getValue(), at);
                if (row == null) {
                    continue;
                }
                if (request.limit() > 0 && out.size() == request.limit()) {
                    more = true;
                    break;
                }
                out.add(row.kv());
            }
            return new RangeResult(out, at, more);
        });
    }

    @Override
    public long count(String prefix) {
        return range(RangeRequest.all(prefix)).kvs().size();
    }

    @Override
    public KeyValue create(String key, byte[] value, Duration ttl) {
        Keys.checkKey(key);
        return locked(() -> {
            Row current = latestLive(key);
            if (current != null) {
                throw new StoreException.AlreadyExists(current.kv());
            }
            long rev = revision + 1;
            KeyValue kv = new KeyValue(key, value.clone(), rev, rev);
            append(new Row(kv, false, expiry(ttl)), Event.put(kv, null));
            return kv;
        });
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedRevision, Duration ttl) {
        Keys.checkKey(key);
        checkRevision(expectedRevision);
        return locked(() -> {
            Row current = matching(key, expectedRevision, false);
            long rev = revision + 1;
            KeyValue kv = new KeyValue(key, value.clone(), current.kv().createRevision(), rev);
            append(new Row(kv, false, expiry(ttl)), Event.put(kv, current.kv()));
            return kv;
        });
    }

    @Override
    public Deleted delete(String key, long expectedRevision) {
        Keys.checkKey(key);
        checkRevision(expectedRevision);
        return locked(() -> {
            Row current = matching(key, expectedRevision, true);
            long rev = revision + 1;
            Event event = Event.delete(rev, current.kv());
            append(new Row(event.kv(), true, 0), event);
            return new Deleted(rev, current.kv());
        });
    }

    @Override
    public Watch watch(String prefix, long afterRevision) {
        return hub.open(prefix, afterRevision);
    }

    @Override
    public void compact(long target) {
        locked(() -> {
            if (target > revision) {
                throw new IllegalArgumentException("cannot compact to revision " + target
                        + ": it is in the future (current revision " + revision + ")");
            }
            if (target <= compactRevision) {
                throw new StoreException.Compacted(target, compactRevision);
            }
            var keys = versions.entrySet().iterator();
            while (keys.hasNext()) {
                TreeMap<Long, Row> rows = keys.next().getValue();
                Long floor = rows.floorKey(target);
                if (floor == null) {
                    continue;
                }
                NavigableMap<Long, Row> older = rows.headMap(floor, rows.get(floor).tombstone());
                older.keySet().forEach(log::remove);
                older.clear();
                if (rows.isEmpty()) {
                    keys.remove();
                }
            }
            compactRevision = target;
            return null;
        });
    }

    /**
     * Deletes every key whose ttl has run out by the clock, each with a DELETE event.
     *
     * @return how many keys expired
     */
    public int expireDue() {
        return locked(() -> {
            long now = clock.millis();
            List<Row> due = versions.values().stream()
                    .map(rows -> rows.lastEntry().getValue())
                    .filter(row -> !row.tombstone() && row.expiresAt() > 0 && row.expiresAt() <= now)
                    .toList();
            due.forEach(row -> delete(row.kv().key(), row.kv().modRevision()));
            return due.size();
        });
    }

    @Override
    public void close() {
        hub.close();
    }

    private List<Event> history(String prefix, long after, long upTo, int limit) {
        return locked(() -> {
            if (after < compactRevision) {
                throw new StoreException.Compacted(after, compactRevision);
            }
            List<Event> events = new ArrayList<>();
            for (Row row : log.subMap(after, false, upTo, true).values()) {
                if (events.size() == limit) {
                    break;
                }
                String key = row.kv().key();
                if (!key.startsWith(prefix)) {
                    continue;
                }
                Map.Entry<Long, Row> before = versions.get(key).lowerEntry(row.kv().modRevision());
                KeyValue prev = before == null || before.getValue().tombstone() ? null : before.getValue().kv();
                events.add(row.tombstone() ? Event.delete(row.kv().modRevision(), prev) : Event.put(row.kv(), prev));
            }
            return events;
        });
    }

    private long readRevision(long asked) {
        if (asked == 0) {
            return revision;
        }
        if (asked > revision) {
            throw new IllegalArgumentException("revision " + asked + " is in the future (current revision " + revision + ")");
        }
        if (asked < compactRevision) {
            throw new StoreException.Compacted(asked, compactRevision);
        }
        return asked;
    }

    private static Row liveAt(TreeMap<Long, Row> rows, long at) {
        if (rows == null) {
            return null;
        }
        Map.Entry<Long, Row> e = rows.floorEntry(at);
        return e == null || e.getValue().tombstone() ? null : e.getValue();
    }

    private Row latestLive(String key) {
        return liveAt(versions.get(key), Long.MAX_VALUE);
    }

    private Row matching(String key, long expectedRevision, boolean zeroIsAny) {
        Row current = latestLive(key);
        if (current == null) {
            throw new StoreException.NotFound(key);
        }
        if (!(zeroIsAny && expectedRevision == 0) && current.kv().modRevision() != expectedRevision) {
            throw new StoreException.Conflict(key, expectedRevision, current.kv());
        }
        return current;
    }

    private void append(Row row, Event event) {
        revision = row.kv().modRevision();
        versions.computeIfAbsent(row.kv().key(), k -> new TreeMap<>()).put(revision, row);
        log.put(revision, row);
        hub.publish(List.of(event));
    }

    private static void checkRevision(long revision) {
        if (revision < 0) {
            throw new IllegalArgumentException("a revision must be 0 or positive, not " + revision);
        }
    }

    private long expiry(Duration ttl) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative: " + ttl);
        }
        return ttl.isZero() ? 0 : clock.millis() + ttl.toMillis();
    }

    private <T> T locked(java.util.function.Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }
}
