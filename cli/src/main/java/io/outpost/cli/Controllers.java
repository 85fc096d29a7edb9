package io.outpost.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.UUID;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.outpost.controllers.ControllerManagers;
import io.outpost.controllers.runtime.ControllerManager;

/**
 * The controllers of {@code outpost server}: every controller of {@link ControllerManagers}, over
 * a loopback client authenticated by the admin kubeconfig the API server just wrote (components
 * talk only through the API), acting once this server leads the
 * {@code kube-system/outpost-controller-manager} Lease.
 *
 * <p>Thread model: started and closed by the {@link Server}'s lifecycle.
 */
final class Controllers implements AutoCloseable {

    private final KubernetesClient client;
    private final ControllerManager manager;

    private Controllers(KubernetesClient client, ControllerManager manager) {
        this.client = client;
        this.manager = manager;
    }

    static Controllers start(ServerConfig config, Clock clock) {
        KubernetesClient client;
        try {
            Config loopback = Config.fromKubeconfig(Files.readString(config.adminKubeconfig()));
            // The field manager of the controllers' writes (the User-Agent up to its '/'), as kube's.
            loopback.setUserAgent("kube-controller-manager/" + Version.outpost() + " (outpost)");
            client = new KubernetesClientBuilder().withConfig(loopback).build();
        } catch (IOException e) {
            throw new StartupFailure("cannot read " + config.adminKubeconfig() + " for the controllers' client: "
                    + DataDir.describe(e), e);
        }
        String identity = ApiServer.urlHost(config.bindAddress()) + "_" + UUID.randomUUID();
        ControllerManager manager = ControllerManagers.leaderElected(client, clock, identity);
        manager.start();
        return new Controllers(client, manager);
    }

    /** Whether the controllers act here now (this server leads). */
    boolean active() {
        return manager.isActive();
    }

    @Override
    public void close() {
        manager.close();
        client.close();
    }
}
