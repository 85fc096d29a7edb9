package io.outpost.cli;

import java.util.ArrayList;
import java.util.List;

/** Where the server keeps its state: the value of {@code --datastore}. */
sealed interface Datastore {

    String FORMS = "sqlite (the default) or etcd://HOST:PORT[,HOST:PORT...], e.g. etcd://10.0.0.1:2379,10.0.0.2:2379";

    /** The embedded SQLite database, DATA_DIR/db/state.db: one server, no other process needed. */
    record Sqlite() implements Datastore {
    }

    /**
     * An etcd cluster, for several servers in HA.
     *
     * @param spec      the flag as given, which {@code EtcdConfig.parse} reads
     * @param endpoints each member's {@code host:port}
     */
    record Etcd(String spec, List<String> endpoints) implements Datastore {
        public Etcd {
            endpoints = List.copyOf(endpoints);
        }
    }

    /**
     * Parses the flag. Checks only the shape, so that a typo fails before anything starts, with a
     * message that shows the right form; whether etcd answers is found out when the store opens.
     *
     * @throws IllegalArgumentException saying what is wrong and what to write instead
     */
    static Datastore parse(String value) {
        String v = value.strip();
        if (v.equals("sqlite")) {
            return new Sqlite();
        }
        if (!v.startsWith("etcd://")) {
            throw new IllegalArgumentException("'" + value + "' is not a datastore; use " + FORMS);
        }
        List<String> endpoints = new ArrayList<>();
        for (String endpoint : v.substring("etcd://".length()).split(",", -1)) {
            endpoints.add(checkEndpoint(endpoint.strip(), value));
        }
        return new Etcd(v, endpoints);
    }

    private static String checkEndpoint(String endpoint, String value) {
        int colon = endpoint.lastIndexOf(':');
        String host = colon < 0 ? endpoint : endpoint.substring(0, colon);
        String port = colon < 0 ? "" : endpoint.substring(colon + 1);
        String problem;
        if (endpoint.isEmpty()) {
            problem = "an empty endpoint";
        } else if (host.isEmpty() || host.contains("/")) {
            problem = "the endpoint '" + endpoint + "' is not HOST:PORT";
        } else if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            problem = "the endpoint '" + endpoint + "' needs a port from 1 to 65535 (etcd's is 2379)";
        } else {
            return endpoint;
        }
        throw new IllegalArgumentException("'" + value + "' has " + problem + "; use " + FORMS);
    }
}
