package io.outpost.controllers.runtime;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the {@link ControllerManager} hands each controller it builds: the API client, the shared
 * informers and the clock. A controller makes its own {@link EventRecorder} with
 * {@link #recorder}, so events name it as their source.
 */
public record ControllerContext(KubernetesClient client, Informers informers, Clock clock) {

    public EventRecorder recorder(String component) {
        return new EventRecorder(client, component, clock);
    }
}
