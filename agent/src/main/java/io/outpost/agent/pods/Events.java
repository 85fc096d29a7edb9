package io.outpost.agent.pods;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.outpost.agent.state.StatusSink;

/**
 * Builds the Events kubelet records about a pod's containers ({@code pkg/kubelet/events}: Pulling,
 * Pulled, Created, Started, Killing, BackOff, Unhealthy, Failed, FailedMount) and hands them to the sink. The sink
 * coalesces and sends them; here they are only built.
 *
 * <p>Thread model: stateless apart from the clock; any thread.
 */
final class Events {

    /**
     * Go's {@code metav1.RFC3339Micro}, the only form a MicroTime decodes from: with
     * {@code Instant.toString()}'s nanoseconds no Go client could read the event (kubectl describe
     * showed {@code Events: <none>}, kubectl events failed), and kube-apiserver refuses it.
     */
    static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    static final String NORMAL = "Normal";
    static final String WARNING = "Warning";

    private final StatusSink sink;
    private final Clock clock;
    private final String nodeName;

    Events(StatusSink sink, Clock clock, String nodeName) {
        this.sink = sink;
        this.clock = clock;
        this.nodeName = nodeName;
    }

    /**
     * A duration as Go's {@code time.Duration.String()} prints it after kubelet's {@code
     * Truncate(time.Millisecond)}: {@code 890ms}, {@code 1.21s}, {@code 2s}, {@code 1m5.003s}.
     */
    static String goDuration(java.time.Duration d) {
        long ms = d.toMillis();
        if (ms <= 0) {
            return "0s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        StringBuilder b = new StringBuilder();
        long hours = ms / 3_600_000;
        long minutes = ms / 60_000 % 60;
        if (hours > 0) {
            b.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            b.append(minutes).append('m');
        }
        long millis = ms % 60_000;
        b.append(millis / 1000);
        if (millis % 1000 != 0) {
            b.append('.').append(String.format("%03d", millis % 1000).replaceFirst("0+$", ""));
        }
        return b.append('s').toString();
    }

    /**
     * An event about a pod, or one of its containers when {@code container} is not null (kubelet's
     * field path {@code spec.containers{name}}).
     */
    void record(Pod pod, String container, String type, String reason, String action, String note) {
        Instant now = clock.instant();
        ObjectReference regarding = new ObjectReferenceBuilder()
                .withApiVersion("v1").withKind("Pod")
                .withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid())
                .withFieldPath(container == null ? null : "spec.containers{" + container + "}")
                .build();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName() + "." + Long.toHexString(UUID.randomUUID().getMostSignificantBits()))
                .endMetadata()
                .withEventTime(new MicroTime(MICRO_TIME.format(now)))
                .withReportingController("outpost.io/agent")
                .withReportingInstance("outpost-agent-" + nodeName)
                .withType(type)
                .withReason(reason)
                .withAction(action)
                .withNote(note)
                .withRegarding(regarding)
                .build();
        sink.event(event);
    }
}
