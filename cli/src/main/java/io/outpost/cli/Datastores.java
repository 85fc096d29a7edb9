package io.outpost.cli;

import java.io.IOException;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.store.KvStore;
import io.outpost.store.StoreException;
import io.outpost.store.etcd.EtcdConfig;
import io.outpost.store.etcd.EtcdKvStore;
import io.outpost.store.sqlite.SqliteConfig;
import io.outpost.store.sqlite.SqliteKvStore;

/** Opens the store that {@code --datastore} names: the one place the CLI meets each backend. */
final class Datastores {

    private static final Logger LOG = LoggerFactory.getLogger(Datastores.class);

    private Datastores() {
    }

    /** The SQLite database of a data dir. */
    static Path sqliteFile(Path dataDir) {
        return dataDir.resolve("db").resolve("state.db");
    }

    /**
     * Opens the datastore and logs what it opened.
     *
     * @param dataDir an existing data dir (see {@link DataDir#prepare})
     * @throws StoreException.Unavailable naming the file or endpoints and what to do
     */
    static KvStore open(Datastore datastore, Path dataDir) {
        return switch (datastore) {
            case Datastore.Sqlite() -> openSqlite(sqliteFile(dataDir));
            case Datastore.Etcd etcd -> openEtcd(etcd);
        };
    }

    private static KvStore openSqlite(Path file) {
        try {
            DataDir.createPrivate(file.getParent());
        } catch (IOException e) {
            throw new StoreException.Unavailable("cannot create " + file.getParent() + ": " + DataDir.describe(e), e);
        }
        KvStore store = SqliteKvStore.open(SqliteConfig.defaults(file));
        LOG.info("datastore: sqlite {} at revision {}", file, store.currentRevision());
        return store;
    }

    /**
     * Checks the shape of {@code --datastore etcd://...}.
     *
     * @throws IllegalArgumentException naming {@code --datastore} and the expected form
     */
    static void checkEtcd(String spec) {
        EtcdConfig.parse(spec);
    }

    private static KvStore openEtcd(Datastore.Etcd etcd) {
        EtcdConfig config = EtcdConfig.parse(etcd.spec());
        KvStore store = EtcdKvStore.connect(config);
        LOG.info("datastore: etcd {} at revision {}", config.endpoints(), store.currentRevision());
        return store;
    }
}
