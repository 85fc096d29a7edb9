package io.outpost.cli;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code outpost server} was asked to run, from its flags and their {@code OUTPOST_*} twins.
 *
 * @param dataDir   absolute; holds the SQLite database and, later, keys and the admin kubeconfig
 * @param datastore where the cluster state is kept
 */
record ServerConfig(Path dataDir, Datastore datastore) {

    ServerConfig {
        Objects.requireNonNull(datastore, "datastore");
        if (!dataDir.isAbsolute()) {
            throw new IllegalArgumentException("dataDir must be absolute: " + dataDir);
        }
    }
}
