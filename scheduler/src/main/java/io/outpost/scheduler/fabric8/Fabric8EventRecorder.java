package io.outpost.scheduler.fabric8;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
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
 * component = the profile's scheduler name, named {@code <pod>.<hex>}), for
 * {@code kubectl describe pod} and {@code kubectl events}. Writing is handed to {@code writer} so
 * the scheduling thread never waits for the API; a failed write is logged and dropped (events
 * are best effort, as in kube).
 */
final class Fabric8EventRecorder implements EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(Fabric8EventRecorder.class);

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
        Event event = new EventBuilder().withNewMetadata()
                .withName(meta.getName() + "." + Long.toHexString(clock.instant().toEpochMilli() * 1_000_000L
                        + (System.nanoTime() % 1_000_000L)))
                .withNamespace(meta.getNamespace()).endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace(meta.getNamespace())
                .withName(meta.getName()).withUid(meta.getUid()).withResourceVersion(meta.getResourceVersion())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message).withCount(1)
                .withFirstTimestamp(time).withLastTimestamp(time)
                .withNewSource().withComponent(component).endSource()
                .withReportingComponent(component).withReportingInstance(component)
                .build();
        try {
            writer.execute(() -> {
                try {
                    client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
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
