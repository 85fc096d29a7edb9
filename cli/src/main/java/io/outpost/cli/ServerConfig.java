package io.outpost.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.outpost.apiserver.pki.SubjectAltName;

/**
 * What {@code outpost server} was asked to run, from its flags and their {@code OUTPOST_*} twins.
 *
 * @param dataDir       absolute; holds the SQLite database, {@code tls/} (CA, keys) and the admin kubeconfig
 * @param datastore     where the cluster state is kept
 * @param bindAddress   where the API server listens ({@code --bind-address})
 * @param port          the API server's port; 0 picks a free one ({@code --port})
 * @param tlsSans       extra names for the serving certificate ({@code --tls-san})
 * @param tokenAuthFile static bearer tokens ({@code --token-auth-file}), if any
 */
record ServerConfig(Path dataDir, Datastore datastore, InetAddress bindAddress, int port, List<SubjectAltName> tlsSans,
                    Optional<Path> tokenAuthFile) {

    static final int DEFAULT_PORT = 6443;
    static final InetAddress DEFAULT_BIND = InetAddress.getLoopbackAddress();

    ServerConfig {
        Objects.requireNonNull(datastore, "datastore");
        Objects.requireNonNull(bindAddress, "bindAddress");
        tlsSans = List.copyOf(tlsSans);
        Objects.requireNonNull(tokenAuthFile, "tokenAuthFile");
        if (!dataDir.isAbsolute()) {
            throw new IllegalArgumentException("dataDir must be absolute: " + dataDir);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 to 65535: " + port);
        }
    }

    /** The defaults of every API server flag. */
    ServerConfig(Path dataDir, Datastore datastore) {
        this(dataDir, datastore, DEFAULT_BIND, DEFAULT_PORT, List.of(), Optional.empty());
    }

    ServerConfig withPort(int newPort) {
        return new ServerConfig(dataDir, datastore, bindAddress, newPort, tlsSans, tokenAuthFile);
    }

    ServerConfig withTokenAuthFile(Path file) {
        return new ServerConfig(dataDir, datastore, bindAddress, port, tlsSans, Optional.of(file));
    }

    /** The admin kubeconfig, written at each start with the port actually bound. */
    Path adminKubeconfig() {
        return dataDir.resolve("admin.kubeconfig");
    }
}
