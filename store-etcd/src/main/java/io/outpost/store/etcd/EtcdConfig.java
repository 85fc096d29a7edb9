package io.outpost.store.etcd;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to reach an etcd cluster.
 *
 * @param endpoints      the client URLs of the members ({@code http://host:port}); reads fail over
 *                       between them
 * @param requestTimeout the deadline of one request to etcd, and how long a read keeps retrying
 *                       on other members, and a broken watch keeps trying to resume, before giving
 *                       up with {@link io.outpost.store.StoreException.Unavailable}
 * @param watchBuffer    how many events a watch may have waiting before it is dropped
 */
public record EtcdConfig(List<URI> endpoints, Duration requestTimeout, int watchBuffer) {

    /** The form {@code --datastore} takes for etcd, shown in every parse error. */
    static final String DATASTORE_FORM = "etcd://HOST:PORT[,HOST:PORT...] (e.g. etcd://10.0.0.1:2379,10.0.0.2:2379)";

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_WATCH_BUFFER = 10_000;

    public EtcdConfig {
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is needed");
        }
        for (URI endpoint : endpoints) {
            if (!"http".equals(endpoint.getScheme()) || endpoint.getHost() == null || endpoint.getPort() < 0) {
                throw new IllegalArgumentException("an etcd endpoint must be http://HOST:PORT, not " + endpoint);
            }
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, not " + requestTimeout);
        }
        if (watchBuffer < 1) {
            throw new IllegalArgumentException("watchBuffer must be at least 1, not " + watchBuffer);
        }
    }

    public static EtcdConfig defaults(List<URI> endpoints) {
        return new EtcdConfig(endpoints, DEFAULT_REQUEST_TIMEOUT, DEFAULT_WATCH_BUFFER);
    }

    public EtcdConfig withRequestTimeout(Duration timeout) {
        return new EtcdConfig(endpoints, timeout, watchBuffer);
    }

    public EtcdConfig withWatchBuffer(int size) {
        return new EtcdConfig(endpoints, requestTimeout, size);
    }

    /**
     * Parses the command line's {@code --datastore etcd://h1:2379,h2:2379} into a configuration with
     * default timeouts: each member becomes {@code http://h:port}. TLS to etcd is not supported yet.
     *
     * @throws IllegalArgumentException naming {@code --datastore} and the expected form if
     *                                  {@code datastore} is anything else
     */
    public static EtcdConfig parse(String datastore) {
        String scheme = "etcd://";
        if (datastore == null || !datastore.startsWith(scheme) || datastore.length() == scheme.length()) {
            throw invalid(datastore, "it must start with etcd:// followed by the members");
        }
        List<URI> endpoints = new ArrayList<>();
        for (String member : datastore.substring(scheme.length()).split(",", -1)) {
            endpoints.add(endpoint(datastore, member));
        }
        return defaults(endpoints);
    }

    private static URI endpoint(String datastore, String member) {
        if (member.isBlank()) {
            throw invalid(datastore, "a member is empty");
        }
        URI uri;
        try {
            uri = new URI("http://" + member);
        } catch (URISyntaxException e) {
            throw invalid(datastore, "'" + member + "' is not HOST:PORT");
        }
        boolean hostAndPortOnly = uri.getHost() != null && uri.getUserInfo() == null
                && uri.getRawPath().isEmpty() && uri.getRawQuery() == null && uri.getRawFragment() == null;
        if (!hostAndPortOnly) {
            throw invalid(datastore, "'" + member + "' is not HOST:PORT");
        }
        if (uri.getPort() < 1 || uri.getPort() > 65_535) {
            throw invalid(datastore, "'" + member + "' needs a port from 1 to 65535 (etcd's client port is usually 2379)");
        }
        return uri;
    }

    private static IllegalArgumentException invalid(String datastore, String why) {
        return new IllegalArgumentException("--datastore " + datastore + " is not a valid etcd datastore: " + why
                + "; expected " + DATASTORE_FORM);
    }
}
