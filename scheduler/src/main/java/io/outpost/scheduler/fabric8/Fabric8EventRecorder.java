package io.outpost.scheduler.fabric8;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.scheduler.EventRecorder;

/**
 * Writes core/v1 Events about pods, as kube-scheduler's recorder does (source and reporting
 * component = the scheduler name of the profile serving the pod, its {@code spec.schedulerName},
 * as kube gives each profile its own recorder; named {@code <pod>.<hex>}), for
 * {@code kubectl describe pod} and {@code kubectl events}. Writing is handed to {@code writer} so
 * the scheduling thread never waits for the API; a failed write is logged and dropped (events
 * are best effort, as in kube).
 *
 * <p>Repeats are aggregated as client-go's event correlator does: the same type, reason and
 * message about the same pod within {@value #AGGREGATE_MINUTES} minutes updates the first Event's
 * {@code count} and {@code lastTimestamp} instead of creating another, so a pod retried for hours
 * costs one Event, not hundreds, on a small edge store.
 *
 * <p>Thread model: {@link #record} may be called from any thread; everything else, including
 * the map of recent events, runs on the single {@code writer} thread.
 */
final class Fabric8EventRecorder implements EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(Fabric8EventRecorder.class);
    static final int AGGREGATE_MINUTES = 10;

    /** An Event written, by pod uid + type + reason + message; confined to the writer thread. */
    private record Recent(String name, int count, Instant first) {
    }

    private final Map<String, Recent> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Recent> eldest) {
            return size() > 4096;
        }
    };

    private final KubernetesClient client;
    private final ExecutorService writer;
    private final Clock clock;
    private final String component;

    Fabric8EventRecorder(KubernetesClient client, ExecutorService writer, Clock clock, String component) {
        this.client = client;
        this.writer = writer;
        this.clock = clock;
        this.component = component;
    }

    @Override
    public void record(Pod pod, String type, String reason, String message) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String time = DateTimeFormatter.ISO_INSTANT.format(now);
        var meta = pod.getMetadata();
        String schedulerName = pod.getSpec() == null ? null : pod.getSpec().getSchedulerName();
        String source = schedulerName == null || schedulerName.isEmpty() ? component : schedulerName;
        Event event = new EventBuilder().withNewMetadata()
                .withName(meta.getName() + "." + Long.toHexString(clock.instant().toEpochMilli() * 1_000_000L
                        + (System.nanoTime() % 1_000_000L)))
                .withNamespace(meta.getNamespace()).endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace(meta.getNamespace())
                .withName(meta.getName()).withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message).withCount(1)
                .withFirstTimestamp(time).withLastTimestamp(time)
                .withNewSource().withComponent(source).endSource()
                .withReportingComponent(source).withReportingInstance(source)
                .build();
        String key = meta.getUid() + "\n" + type + "\n" + reason + "\n" + message;
        try {
            writer.execute(() -> {
                try {
                    Recent seen = recent.get(key);
                    if (seen != null && seen.first().plus(AGGREGATE_MINUTES, ChronoUnit.MINUTES).isAfter(now)) {
                        int count = seen.count() + 1;
                        Event updated = client.v1().events().inNamespace(meta.getNamespace()).withName(seen.name())
                                .edit(e -> {
                                    e.setCount(count);
                                    e.setLastTimestamp(time);
                                    return e;
                                });
                        if (updated != null) {
                            recent.put(key, new Recent(seen.name(), count, seen.first()));
                            return;
                        }
                    }
                    client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
                    recent.put(key, new Recent(event.getMetadata().getName(), 1, now));
                } catch (RuntimeException e) {
                    LOG.debug("event {} for {}/{} not recorded: {}", reason, meta.getNamespace(), meta.getName(),
                            e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }
}
