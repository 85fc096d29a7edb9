package io.outpost.controllers.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Records core/v1 Events about objects, the way client-go's {@code record} package does:
 * <ul>
 *   <li>an event identical to one recorded before (same object, type, reason, message and source)
 *       is not created again: the stored one's {@code count} and {@code lastTimestamp} are patched
 *       (the {@code EventCorrelator}'s de-duplication, over an LRU of 4096 keys);</li>
 *   <li>more than 10 events with the same object, type and reason but different messages within
 *       10 minutes are aggregated into one whose message starts with
 *       "(combined from similar events): " (the {@code EventAggregator});</li>
 *   <li>writing is asynchronous and bounded: a controller never blocks on events, and when more
 *       than 1000 wait, new ones are dropped and logged (the broadcaster's queue).</li>
 * </ul>
 *
 * <p>Thread model: {@link #event} from any thread; one writer thread talks to the API.
 */
public final class EventRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final int CACHE = 4096;
    private static final int SIMILAR_THRESHOLD = 10;
    private static final Duration SIMILAR_WINDOW = Duration.ofMinutes(10);
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    /** The object an event is about, as its reference, and what is said. */
    record Pending(ObjectReference involved, String type, String reason, String message, Instant at) {
    }

    private record Stored(String namespace, String name, int count) {
    }

    private record Similar(Set<String> messages, Instant since) {
    }

    private final KubernetesClient client;
    private final String component;
    private final Clock clock;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(1000);
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Stored> seen = lru();
    private final Map<String, Similar> similar = lru();
    private final Thread writer;
    private volatile boolean closed;

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CACHE;
            }
        };
    }

    /** @param component the event's source, e.g. "deployment-controller" */
    public EventRecorder(KubernetesClient client, String component, Clock clock) {
        this.client = client;
        this.component = component;
        this.clock = clock;
        this.writer = Thread.ofVirtual().name("events-" + component).start(this::drain);
    }

    /** Records that {@code reason}: {@code message} happened to {@code object}; never blocks. */
    public void event(HasMetadata object, String type, String reason, String message) {
        if (closed) {
            return;
        }
        ObjectReference ref = new ObjectReferenceBuilder().withApiVersion(object.getApiVersion())
                .withKind(object.getKind()).withNamespace(object.getMetadata().getNamespace())
                .withName(object.getMetadata().getName()).withUid(object.getMetadata().getUid())
                .withResourceVersion(object.getMetadata().getResourceVersion()).build();
        if (!queue.offer(new Pending(ref, type, reason, message, clock.instant()))) {
            LOG.warn("dropped event {} {} on {}/{}: too many waiting", type, reason, ref.getNamespace(), ref.getName());
        }
    }

    private void drain() {
        ArrayDeque<Pending> batch = new ArrayDeque<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending p = queue.poll(100, TimeUnit.MILLISECONDS);
                if (p == null) {
                    continue;
                }
                batch.add(p);
                queue.drainTo(batch);
                while (!batch.isEmpty()) {
                    write(batch.poll());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("cannot record an event", e);
            }
        }
    }

    /** The message to store, after aggregation of similar events. Package-private for tests. */
    String aggregate(Pending p) {
        String key = objectKey(p.involved()) + "\u0000" + p.type() + "\u0000" + p.reason();
        lock.lock();
        try {
            Similar s = similar.get(key);
            if (s == null || !p.at().isBefore(s.since().plus(SIMILAR_WINDOW))) {
                s = new Similar(new HashSet<>(), p.at());
                similar.put(key, s);
            }
            s.messages().add(p.message());
            return s.messages().size() > SIMILAR_THRESHOLD ? "(combined from similar events): " + p.message() : p.message();
        } finally {
            lock.unlock();
        }
    }

    private void write(Pending p) {
        String message = aggregate(p);
        String namespace = p.involved().getNamespace() == null || p.involved().getNamespace().isEmpty()
                ? "default" : p.involved().getNamespace();
        String key = objectKey(p.involved()) + "\u0000" + p.type() + "\u0000" + p.reason() + "\u0000" + message;
        String at = RFC3339.format(p.at());
        Stored stored;
        lock.lock();
        try {
            stored = seen.get(key);
        } finally {
            lock.unlock();
        }
        if (stored != null) {
            int count = stored.count() + 1;
            try {
                client.v1().events().inNamespace(stored.namespace()).withName(stored.name()).patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"count\":" + count + ",\"lastTimestamp\":\"" + at + "\"}");
                remember(key, new Stored(stored.namespace(), stored.name(), count));
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    LOG.warn("cannot update event {}/{}: {}", stored.namespace(), stored.name(), e.getMessage());
                    return;
                }
                // The stored event is gone (expired): record it anew.
            }
        }
        String name = p.involved().getName() + "." + Long.toHexString(p.at().toEpochMilli() * 1_000_000L + System.nanoTime() % 1_000_000L);
        Event event = new EventBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withInvolvedObject(p.involved()).withType(p.type()).withReason(p.reason()).withMessage(message)
                .withFirstTimestamp(at).withLastTimestamp(at).withCount(1)
                .withNewSource().withComponent(component).endSource()
                .withReportingComponent(component).withReportingInstance(component).build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
            remember(key, new Stored(namespace, name, 1));
        } catch (KubernetesClientException e) {
            LOG.warn("cannot record event {} on {}/{}: {}", p.reason(), namespace, p.involved().getName(), e.getMessage());
        }
    }

    private void remember(String key, Stored stored) {
        lock.lock();
        try {
            seen.put(key, stored);
        } finally {
            lock.unlock();
        }
    }

    private static String objectKey(ObjectReference r) {
        return String.join("\u0000", Objects.toString(r.getApiVersion(), ""), Objects.toString(r.getKind(), ""),
                Objects.toString(r.getNamespace(), ""), Objects.toString(r.getName(), ""), Objects.toString(r.getUid(), ""));
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
