package io.outpost.agent.testing;

import java.util.UUID;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** Pods for tests: one container running {@code sh -c script} on the node. */
public final class Pods {

    public static final String NODE = "edge-1";

    private Pods() {
    }

    public static PodBuilder shell(String name, String script) {
        return new PodBuilder()
                .withNewMetadata().withNamespace("default").withName(name).withUid(UUID.randomUUID().toString()).endMetadata()
                .withNewSpec()
                .withNodeName(NODE)
                .withRestartPolicy("Always")
                .withTerminationGracePeriodSeconds(5L)
                .addToContainers(new ContainerBuilder().withName("main").withImage("busybox:1.36")
                        .withCommand("sh", "-c", script).build())
                .endSpec();
    }

    public static Pod deleting(Pod pod, long graceSeconds) {
        return new PodBuilder(pod).editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z")
                .withDeletionGracePeriodSeconds(graceSeconds).endMetadata().build();
    }
}
