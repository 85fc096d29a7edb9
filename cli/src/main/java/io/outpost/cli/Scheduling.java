package io.outpost.cli;

import java.time.Clock;
import java.util.UUID;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.scheduler.PluginRegistry;
import io.outpost.scheduler.SchedulerConfiguration;
import io.outpost.scheduler.fabric8.LeaderElectedScheduler;
import io.outpost.scheduler.framework.Status;

/**
 * The scheduler of {@code outpost server}: the profiles of {@code --scheduler-config} (or
 * {@code default-scheduler} with the default plugins and weights), over a loopback client like the
 * {@link Controllers}, scheduling once this server leads the {@code kube-system/kube-scheduler}
 * Lease, so that of several servers sharing a datastore one binds pods.
 *
 * <p>Thread model: started and closed by the {@link Server}'s lifecycle; the scheduler itself
 * starts and stops on the elector's callbacks.
 */
final class Scheduling implements AutoCloseable {

    private final KubernetesClient client;
    private final LeaderElectedScheduler scheduler;

    private Scheduling(KubernetesClient client, LeaderElectedScheduler scheduler) {
        this.client = client;
        this.scheduler = scheduler;
    }

    /**
     * Reads and checks the scheduler's configuration (every profile built once, so a plugin's
     * bad args show now).
     *
     * @throws IllegalArgumentException naming the file and the field
     */
    static SchedulerConfiguration configuration(ServerConfig config) {
        SchedulerConfiguration configuration = config.schedulerConfig().map(SchedulerConfiguration::load)
                .orElseGet(SchedulerConfiguration::defaultConfiguration);
        try {
            configuration.frameworks(PluginRegistry.inTree(), Clock.systemUTC(), (pod, node) -> Status.SUCCESS);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(config.schedulerConfig().map(f -> f + ": ").orElse("") + e.getMessage(), e);
        }
        return configuration;
    }

    /** Starts competing for the scheduler's Lease; returns at once. */
    static Scheduling start(ServerConfig config, Clock clock) {
        SchedulerConfiguration configuration;
        try {
            configuration = configuration(config);
        } catch (IllegalArgumentException e) {
            throw new StartupFailure("--scheduler-config: " + e.getMessage()
                    + ". Fix the file, or leave the flag out to run default-scheduler with the default plugins", e);
        }
        KubernetesClient client = Controllers.loopbackClient(config, "kube-scheduler", "the scheduler");
        String identity = ApiServer.urlHost(config.bindAddress()) + "_" + UUID.randomUUID();
        LeaderElectedScheduler scheduler = new LeaderElectedScheduler(
                LeaderElectedScheduler.Config.defaults(client, configuration, clock, identity));
        scheduler.start();
        return new Scheduling(client, scheduler);
    }

    /** Whether this server's scheduler schedules now (it leads). */
    boolean active() {
        return scheduler.isActive();
    }

    @Override
    public void close() {
        scheduler.close();
        client.close();
    }
}
