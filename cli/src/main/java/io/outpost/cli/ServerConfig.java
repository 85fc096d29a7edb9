package io.outpost.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.outpost.apiserver.pki.SubjectAltName;
import io.outpost.apiserver.registry.RegistryConfig;
import io.outpost.controllers.ControllerManagers;

/**
 * What {@code outpost server} was asked to run, from its flags and their {@code OUTPOST_*} twins.
 *
 * @param dataDir       absolute; holds the SQLite database, {@code tls/} (CA, keys) and the admin kubeconfig
 * @param datastore     where the cluster state is kept
 * @param bindAddress   where the API server listens ({@code --bind-address})
 * @param port          the API server's port; 0 picks a free one ({@code --port})
 * @param tlsSans       extra names for the serving certificate ({@code --tls-san})
 * @param tokenAuthFile static bearer tokens ({@code --token-auth-file}), if any
 * @param schedulerConfig the scheduler's KubeSchedulerConfiguration ({@code --scheduler-config}); empty:
 *                      {@code default-scheduler} with the default plugins
 * @param controllers   the controllers' settings (no flag: kube's defaults; tests shorten the node
 *                      grace period rather than wait 40 s)
 * @param localAgent    the agent run beside the control plane; empty with {@code --disable-agent}
 * @param eventTtl      how long an Event lives after its latest write ({@code --event-ttl}, kube's 1 h);
 *                      zero keeps events until deleted, as kube-apiserver does with 0
 */
record ServerConfig(Path dataDir, Datastore datastore, InetAddress bindAddress, int port, List<SubjectAltName> tlsSans,
                    Optional<Path> tokenAuthFile, Optional<Path> schedulerConfig, ControllerManagers.Settings controllers,
                    Optional<LocalAgent> localAgent, Duration eventTtl) {

    static final int DEFAULT_PORT = 6443;
    static final InetAddress DEFAULT_BIND = InetAddress.getLoopbackAddress();

    ServerConfig {
        Objects.requireNonNull(datastore, "datastore");
        Objects.requireNonNull(bindAddress, "bindAddress");
        tlsSans = List.copyOf(tlsSans);
        Objects.requireNonNull(tokenAuthFile, "tokenAuthFile");
        Objects.requireNonNull(schedulerConfig, "schedulerConfig");
        Objects.requireNonNull(controllers, "controllers");
        Objects.requireNonNull(localAgent, "localAgent");
        if (eventTtl.isNegative()) {
            throw new IllegalArgumentException("eventTtl must not be negative: " + eventTtl);
        }
        if (!dataDir.isAbsolute()) {
            throw new IllegalArgumentException("dataDir must be absolute: " + dataDir);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 to 65535: " + port);
        }
    }

    /** The API server's flags, with the defaults of the others. */
    ServerConfig(Path dataDir, Datastore datastore, InetAddress bindAddress, int port, List<SubjectAltName> tlsSans,
                 Optional<Path> tokenAuthFile) {
        this(dataDir, datastore, bindAddress, port, tlsSans, tokenAuthFile, Optional.empty(),
                ControllerManagers.Settings.defaults(), Optional.of(LocalAgent.defaults()), RegistryConfig.DEFAULT_EVENT_TTL);
    }

    /** The defaults of every flag. */
    ServerConfig(Path dataDir, Datastore datastore) {
        this(dataDir, datastore, DEFAULT_BIND, DEFAULT_PORT, List.of(), Optional.empty());
    }

    ServerConfig withPort(int newPort) {
        return new ServerConfig(dataDir, datastore, bindAddress, newPort, tlsSans, tokenAuthFile, schedulerConfig,
                controllers, localAgent, eventTtl);
    }

    ServerConfig withTokenAuthFile(Path file) {
        return new ServerConfig(dataDir, datastore, bindAddress, port, tlsSans, Optional.of(file), schedulerConfig,
                controllers, localAgent, eventTtl);
    }

    ServerConfig withSchedulerConfig(Path file) {
        return new ServerConfig(dataDir, datastore, bindAddress, port, tlsSans, tokenAuthFile, Optional.of(file),
                controllers, localAgent, eventTtl);
    }

    ServerConfig withControllers(ControllerManagers.Settings settings) {
        return new ServerConfig(dataDir, datastore, bindAddress, port, tlsSans, tokenAuthFile, schedulerConfig, settings,
                localAgent, eventTtl);
    }

    /** Without the agent beside the control plane ({@code --disable-agent}); tests that bring their own nodes. */
    ServerConfig withoutLocalAgent() {
        return new ServerConfig(dataDir, datastore, bindAddress, port, tlsSans, tokenAuthFile, schedulerConfig, controllers,
                Optional.empty(), eventTtl);
    }

    ServerConfig withLocalAgent(LocalAgent agent) {
        return new ServerConfig(dataDir, datastore, bindAddress, port, tlsSans, tokenAuthFile, schedulerConfig, controllers,
                Optional.of(agent), eventTtl);
    }

    /** With Events living {@code ttl} after their latest write ({@code --event-ttl}). */
    ServerConfig withEventTtl(Duration ttl) {
        return new ServerConfig(dataDir, datastore, bindAddress, port, tlsSans, tokenAuthFile, schedulerConfig, controllers,
                localAgent, ttl);
    }

    /** The admin kubeconfig, written at each start with the port actually bound. */
    Path adminKubeconfig() {
        return dataDir.resolve("admin.kubeconfig");
    }
}
