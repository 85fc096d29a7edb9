package io.outpost.cli;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.scheduler.SchedulerConfiguration;
import io.outpost.scheduler.fabric8.Fabric8Scheduler;

/**
 * The scheduler of {@code outpost server} ({@code default-scheduler} with the default plugins
 * and weights), over a loopback client like the {@link Controllers}: it watches nodes and pods and
 * binds pods through {@code pods/binding}.
 *
 * <p>It is not leader-elected yet: one server runs one scheduler. Thread model: started and
 * closed by the {@link Server}'s lifecycle.
 */
final class Scheduling implements AutoCloseable {

    private final KubernetesClient client;
    private final Fabric8Scheduler scheduler;

    private Scheduling(KubernetesClient client, Fabric8Scheduler scheduler) {
        this.client = client;
        this.scheduler = scheduler;
    }

    /** Starts it; returns once its informers have synced. */
    static Scheduling start(ServerConfig config, Clock clock) {
        KubernetesClient client = Controllers.loopbackClient(config, "kube-scheduler", "the scheduler");
        Fabric8Scheduler scheduler = new Fabric8Scheduler(new Fabric8Scheduler.Config(client,
                SchedulerConfiguration.defaultConfiguration(), clock));
        try {
            scheduler.start();
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return new Scheduling(client, scheduler);
    }

    @Override
    public void close() {
        scheduler.close();
        client.close();
    }
}
