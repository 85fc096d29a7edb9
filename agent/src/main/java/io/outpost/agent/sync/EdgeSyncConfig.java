package io.outpost.agent.sync;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

/**
 * What {@link EdgeSync} needs.
 *
 * @param server            the API server, {@code https://HOST:PORT} (the agent's {@code --server})
 * @param nodeName          this node's name; must be the CN of the client certificate
 *                          ({@code system:node:<nodeName>})
 * @param tls               the TLS context for each new connection: the node's client certificate
 *                          and the cluster CA. Called on every dial, so a rotated certificate is
 *                          used from the next connection on
 * @param dataDir           where the local store lives ({@code DIR/sync.db}); created if missing
 * @param clock             heartbeats, silence and report timestamps
 * @param heartbeatInterval how often the agent says it is alive (kubelet's lease renewal: 10 s);
 *                          the server renews the node's Lease on each
 * @param silenceTimeout    a connection silent this long is given up and dialled again
 * @param backoffInitial    the first wait before dialling again after a failure
 * @param backoffMax        the longest wait (with jitter, each wait is in [d/2, d])
 */
public record EdgeSyncConfig(URI server, String nodeName, Supplier<SSLContext> tls, Path dataDir, Clock clock,
                             Duration heartbeatInterval, Duration silenceTimeout, Duration backoffInitial,
                             Duration backoffMax) {

    /** The WebSocket path of the tunnel on the API port, under the node's name. */
    public static String connectPath(String nodeName) {
        return "/apis/tunnel.outpost.io/v1/nodes/" + nodeName + "/connect";
    }

    public EdgeSyncConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clock, "clock");
        if (!"https".equals(server.getScheme())) {
            throw new IllegalArgumentException("--server must be an https:// URL, not " + server);
        }
        if (nodeName.isEmpty()) {
            throw new IllegalArgumentException("the node name is empty: pass --node-name");
        }
        if (silenceTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new IllegalArgumentException("silenceTimeout must exceed heartbeatInterval");
        }
    }

    /**
     * Heartbeats every 10 s (kubelet's lease renewal period), a connection silent for 40 s (the
     * Lease's duration) is dialled again, and failed dials back off from 1 s to 2 min.
     */
    public static EdgeSyncConfig defaults(URI server, String nodeName, Supplier<SSLContext> tls, Path dataDir) {
        return new EdgeSyncConfig(server, nodeName, tls, dataDir, Clock.systemUTC(), Duration.ofSeconds(10),
                Duration.ofSeconds(40), Duration.ofSeconds(1), Duration.ofMinutes(2));
    }

    public EdgeSyncConfig withHeartbeat(Duration interval, Duration silence) {
        return new EdgeSyncConfig(server, nodeName, tls, dataDir, clock, interval, silence, backoffInitial, backoffMax);
    }

    public EdgeSyncConfig withBackoff(Duration initial, Duration max) {
        return new EdgeSyncConfig(server, nodeName, tls, dataDir, clock, heartbeatInterval, silenceTimeout, initial, max);
    }
}
