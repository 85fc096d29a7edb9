package io.outpost.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.outpost.controllers.ControllerManagers;
import io.outpost.controllers.certificates.CsrSigner;
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

    /** @param signer the cluster CA, for the CSR signing controller (the CA key stays in this process) */
    static Controllers start(ServerConfig config, Clock clock, CsrSigner signer) {
        KubernetesClient client = loopbackClient(config, "kube-controller-manager", "the controllers");
        String identity = ApiServer.urlHost(config.bindAddress()) + "_" + UUID.randomUUID();
        ControllerManager manager = ControllerManagers.leaderElected(client, clock, identity, config.controllers(),
                Optional.of(signer));
        manager.start();
        return new Controllers(client, manager);
    }

    /**
     * A fabric8 client of the API server in this process, authenticated by the admin kubeconfig
     * it just wrote; {@code component} is its User-Agent's product, which names the field manager
     * of its writes (the User-Agent up to its '/'), as kube's components do.
     */
    static KubernetesClient loopbackClient(ServerConfig config, String component, String who) {
        try {
            Config loopback = Config.fromKubeconfig(Files.readString(config.adminKubeconfig()));
            loopback.setUserAgent(component + "/" + Version.outpost() + " (outpost)");
            return new KubernetesClientBuilder().withConfig(loopback).build();
        } catch (IOException e) {
            throw new StartupFailure("cannot read " + config.adminKubeconfig() + " for " + who + "' client: "
                    + DataDir.describe(e), e);
        }
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
