package io.outpost.apiserver.registry;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.store.KeyValue;
import io.outpost.store.KvStore;
import io.outpost.store.RangeRequest;
import io.outpost.store.RangeResult;
import io.outpost.store.StoreException;
import tools.jackson.databind.JsonNode;

/**
 * Gives the Events that earlier versions stored without a ttl (they kept every event for ever)
 * the {@code --event-ttl} they would have had, once: an event whose latest time is more than the
 * ttl ago is deleted, any other is rewritten unchanged to expire the rest of the ttl after that
 * time. Without it, an upgraded edge server would keep the events it had piled up until then.
 *
 * <p>An event's latest time is the newest of its timestamps (creation, {@code firstTimestamp},
 * {@code lastTimestamp}, {@code eventTime}, {@code series.lastObservedTime}, its managedFields'
 * times); one with none readable gets the whole ttl from now. It runs once per store: a marker
 * key (outside {@code /registry}, so no resource lists it) records that it ran; with a ttl of
 * zero it does nothing and leaves no marker, so that a later start with a ttl adopts them then.
 * Several servers on one etcd may run it at once: each write is a compare-and-set on the
 * revision read, and a conflict means another writer gave the event its expiry.
 *
 * <p>Thread model: runs once on the starting thread, before serving.
 */
final class EventTtlAdoption {

    static final String MARKER = "/outpost/migrations/event-ttl";
    private static final Logger LOG = LoggerFactory.getLogger(EventTtlAdoption.class);
    private static final int PAGE = 500;

    private EventTtlAdoption() {
    }

    static void run(KvStore kv, String eventsPrefix, Duration ttl, Clock clock) {
        if (ttl.isZero() || kv.get(MARKER).isPresent()) {
            return;
        }
        Instant now = clock.instant();
        int deleted = 0;
        int rewritten = 0;
        String from = null;
        while (true) {
            RangeResult page = kv.range(new RangeRequest(eventsPrefix, from, PAGE, 0));
            for (KeyValue event : page.kvs()) {
                Duration left = Duration.between(now, latest(event).orElse(now).plus(ttl));
                try {
                    if (left.isNegative() || left.isZero()) {
                        kv.delete(event.key(), event.modRevision());
                        deleted++;
                    } else {
                        kv.update(event.key(), event.value(), event.modRevision(), coarse(left, ttl));
                        rewritten++;
                    }
                } catch (StoreException.NotFound | StoreException.Conflict e) {
                    // written or deleted since it was read: that write decided its expiry
                }
            }
            if (!page.more() || page.kvs().isEmpty()) {
                break;
            }
            from = page.kvs().getLast().key() + '\0';
        }
        try {
            kv.create(MARKER, now.toString().getBytes(StandardCharsets.UTF_8));
        } catch (StoreException.AlreadyExists e) {
            // another server finished first
        }
        if (deleted + rewritten > 0) {
            LOG.info("--event-ttl {}: deleted {} events stored without a ttl that are older than it, and gave {} the rest of it",
                    ttl, deleted, rewritten);
        }
    }

    /**
     * {@code left} rounded up to a whole minute when the ttl is longer than one: etcd expires keys
     * through leases, one per ttl in whole seconds, so an hour's events adopted at second precision
     * would take thousands of leases, at minute precision at most sixty (an event lives up to a
     * minute longer than its ttl, once).
     */
    static Duration coarse(Duration left, Duration ttl) {
        if (ttl.compareTo(Duration.ofMinutes(1)) <= 0) {
            return left;
        }
        long minutes = (left.toSeconds() + (left.toNanosPart() > 0 ? 1 : 0) + 59) / 60;
        return Duration.ofMinutes(minutes);
    }

    /** The newest time the stored event carries, if any is readable. */
    private static java.util.Optional<Instant> latest(KeyValue event) {
        JsonNode tree;
        try {
            tree = Responses.JSON.readTree(event.value());
        } catch (RuntimeException e) {
            return java.util.Optional.empty(); // not ours to judge: the whole ttl
        }
        Instant newest = null;
        for (JsonNode time : new JsonNode[] {tree.path("metadata").path("creationTimestamp"), tree.path("firstTimestamp"),
                tree.path("lastTimestamp"), tree.path("eventTime"), tree.path("series").path("lastObservedTime")}) {
            newest = newer(newest, time);
        }
        for (JsonNode entry : tree.path("metadata").path("managedFields")) {
            newest = newer(newest, entry.path("time"));
        }
        return java.util.Optional.ofNullable(newest);
    }

    private static Instant newer(Instant newest, JsonNode time) {
        if (!time.isString()) {
            return newest;
        }
        try {
            Instant t = Instant.parse(time.asString());
            return newest == null || t.isAfter(newest) ? t : newest;
        } catch (DateTimeParseException e) {
            return newest;
        }
    }
}
