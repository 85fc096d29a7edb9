package io.outpost.cli;

/** Where the server keeps its state: the value of {@code --datastore}. */
sealed interface Datastore {

    String FORMS = "sqlite (the default) or etcd://HOST:PORT[,HOST:PORT...], e.g. etcd://10.0.0.1:2379,10.0.0.2:2379";

    /** The embedded SQLite database, DATA_DIR/db/state.db: one server, no other process needed. */
    record Sqlite() implements Datastore {
    }

    /**
     * An etcd cluster, for several servers in HA.
     *
     * @param spec the flag as given, {@code etcd://h1:2379,h2:2379}
     */
    record Etcd(String spec) implements Datastore {
    }

    /**
     * Parses the flag, so that a typo fails before anything starts, with a message that shows the
     * right form; whether etcd answers is found out when the store opens.
     *
     * @throws IllegalArgumentException saying what is wrong and what to write instead
     */
    static Datastore parse(String value) {
        String v = value.strip();
        if (v.equals("sqlite")) {
            return new Sqlite();
        }
        if (v.startsWith("etcd://")) {
            Datastores.checkEtcd(v);
            return new Etcd(v);
        }
        throw new IllegalArgumentException("'" + value + "' is not a datastore; use " + FORMS);
    }
}
