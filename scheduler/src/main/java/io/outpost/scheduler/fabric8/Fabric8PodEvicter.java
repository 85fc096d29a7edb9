package io.outpost.scheduler.fabric8;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outpost.scheduler.EventRecorder;
import io.outpost.scheduler.framework.PodEvicter;

/**
 * Preemption's writes, as kube-scheduler's {@code preemption.Evaluator} makes them: a victim
 * first gets the {@code DisruptionTarget} condition (reason {@code PreemptionByScheduler}, so its
 * owner and {@code kubectl describe} can tell why it went), is then deleted with its own grace
 * period, and gets a {@code Preempted} event; the preemptor's {@code status.nominatedNodeName} is
 * set. Pods are re-read first, and one replaced under the same name (another uid) is left alone.
 *
 * <p>Thread model: called on the scheduling thread; every write runs on {@code writer} (virtual
 * threads), so scheduling never waits on the API. A failed write is logged: the pod is tried again
 * and preemption recomputed.
 */
final class Fabric8PodEvicter implements PodEvicter {

    private static final Logger LOG = LoggerFactory.getLogger(Fabric8PodEvicter.class);

    private final KubernetesClient client;
    private final ExecutorService writer;
    private final EventRecorder events;
    private final Clock clock;

    Fabric8PodEvicter(KubernetesClient client, ExecutorService writer, EventRecorder events, Clock clock) {
        this.client = client;
        this.writer = writer;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void evict(Pod victim, Pod preemptor, String nodeName) {
        submit(() -> {
            Pod current = current(victim);
            if (current == null) {
                return;
            }
            String scheduler = preemptor.getSpec().getSchedulerName() == null ? "default-scheduler"
                    : preemptor.getSpec().getSchedulerName();
            try {
                client.pods().inNamespace(namespace(current)).resource(withDisruptionTarget(current,
                        scheduler + ": preempting to accommodate a higher priority pod")).updateStatus();
            } catch (KubernetesClientException e) {
                LOG.debug("DisruptionTarget of {}/{} not written: {}", namespace(current), name(current), e.getMessage());
            }
            try {
                client.pods().inNamespace(namespace(current)).withName(name(current)).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    LOG.warn("preempting {}/{} failed: {}", namespace(current), name(current), e.getMessage());
                }
                return;
            }
            events.record(current, "Normal", "Preempted", "Preempted by pod " + preemptor.getMetadata().getUid()
                    + " on node " + nodeName);
        });
    }

    @Override
    public void nominate(Pod pod, String nodeName) {
        submit(() -> {
            for (int attempt = 0; attempt < 2; attempt++) {
                Pod current = current(pod);
                if (current == null || current.getSpec().getNodeName() != null) {
                    return;
                }
                try {
                    client.pods().inNamespace(namespace(current)).resource(new PodBuilder(current).editOrNewStatus()
                            .withNominatedNodeName(nodeName).endStatus().build()).updateStatus();
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409) {
                        LOG.debug("nominatedNodeName of {}/{} not written: {}", namespace(current), name(current),
                                e.getMessage());
                        return;
                    }
                }
            }
        });
    }

    private void submit(Runnable write) {
        try {
            writer.execute(write);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** The pod as stored now, or null if it is gone or was replaced (another uid). */
    private Pod current(Pod pod) {
        Pod current = client.pods().inNamespace(namespace(pod)).withName(name(pod)).get();
        return current == null || !current.getMetadata().getUid().equals(pod.getMetadata().getUid()) ? null : current;
    }

    private Pod withDisruptionTarget(Pod pod, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        List<PodCondition> conditions = new ArrayList<>();
        if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
            pod.getStatus().getConditions().stream().filter(c -> !"DisruptionTarget".equals(c.getType())).forEach(conditions::add);
        }
        conditions.add(new PodConditionBuilder().withType("DisruptionTarget").withStatus("True")
                .withReason("PreemptionByScheduler").withMessage(message).withLastTransitionTime(now).build());
        return new PodBuilder(pod).editOrNewStatus().withConditions(conditions).endStatus().build();
    }

    private static String namespace(Pod pod) {
        return pod.getMetadata().getNamespace();
    }

    private static String name(Pod pod) {
        return pod.getMetadata().getName();
    }
}
