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
import io.outpost.scheduler.PodConditionWriter;

/**
 * Sets {@code PodScheduled=False} in {@code pods/<name>/status}, keeping the pod's other
 * conditions, as kube-scheduler's {@code updatePod}. kube-scheduler sends a strategic merge
 * patch; Outpost's API server answers 405 to PATCH on pods/status today, so this reads the pod
 * and PUTs its status with the resourceVersion as precondition. Written off the scheduling thread; a failure is logged and dropped: the
 * next attempt writes it again.
 */
final class Fabric8PodConditionWriter implements PodConditionWriter {

    private static final Logger LOG = LoggerFactory.getLogger(Fabric8PodConditionWriter.class);

    private final KubernetesClient client;
    private final ExecutorService writer;
    private final Clock clock;

    Fabric8PodConditionWriter(KubernetesClient client, ExecutorService writer, Clock clock) {
        this.client = client;
        this.writer = writer;
        this.clock = clock;
    }

    @Override
    public void notScheduled(Pod pod, String reason, String message) {
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String uid = pod.getMetadata().getUid();
        try {
            writer.execute(() -> {
                // Read-modify-write with the resourceVersion as precondition; one retry on a conflict.
                for (int attempt = 0; attempt < 2; attempt++) {
                    try {
                        Pod current = client.pods().inNamespace(namespace).withName(name).get();
                        if (current == null || !uid.equals(current.getMetadata().getUid())
                                || current.getSpec().getNodeName() != null) {
                            return; // gone, replaced, or bound meanwhile
                        }
                        client.pods().inNamespace(namespace).resource(withCondition(current, reason, message))
                                .updateStatus();
                        return;
                    } catch (KubernetesClientException e) {
                        if (e.getCode() != 409) {
                            LOG.debug("PodScheduled condition of {}/{} not written: {}", namespace, name,
                                    e.getMessage());
                            return;
                        }
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private Pod withCondition(Pod pod, String reason, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        PodCondition condition = new PodConditionBuilder().withType("PodScheduled").withStatus("False")
                .withReason(reason).withMessage(message).withLastTransitionTime(now).withLastProbeTime(now).build();
        List<PodCondition> conditions = new ArrayList<>();
        if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
            for (PodCondition c : pod.getStatus().getConditions()) {
                if (!"PodScheduled".equals(c.getType())) {
                    conditions.add(c);
                } else if ("False".equals(c.getStatus())) {
                    condition.setLastTransitionTime(c.getLastTransitionTime()); // it did not transition
                }
            }
        }
        conditions.add(condition);
        return new PodBuilder(pod).editOrNewStatus().withConditions(conditions).endStatus().build();
    }
}
