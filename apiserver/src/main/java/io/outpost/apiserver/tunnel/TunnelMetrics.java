package io.outpost.apiserver.tunnel;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.outpost.apiserver.http.ApiHandler;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;

/**
 * Per-node counters of the tunnel, in each direction: frames, and bytes on the TLS connection
 * (TLS records as they cross the socket, handshakes included: what a metered link bills).
 * Served as Prometheus text exposition format 0.0.4 on {@code /metrics} ({@link #handler()}),
 * written by hand: the Prometheus {@code client_java} exposition module is not on this build's
 * mirror, and four counter families do not need it.
 *
 * <pre>
 * outpost_tunnel_wire_bytes_total{node="n1",direction="downstream"} 12345
 * outpost_tunnel_frames_total{node="n1",direction="upstream"} 67
 * outpost_tunnel_connected{node="n1"} 1
 * </pre>
 *
 * <p>Thread model: any thread; the counters are atomic. A node's bytes are those of its closed
 * connections plus, read live, those of its open ones.
 */
public final class TunnelMetrics {

    /** One node's counts. */
    static final class NodeCounters {
        final AtomicLong framesDown = new AtomicLong();
        final AtomicLong framesUp = new AtomicLong();
        final AtomicLong closedBytesDown = new AtomicLong();
        final AtomicLong closedBytesUp = new AtomicLong();
        final Set<ApiResponse.DuplexLink> open = ConcurrentHashMap.newKeySet();

        long bytesDown() {
            return closedBytesDown.get() + open.stream().mapToLong(ApiResponse.DuplexLink::wireBytesWritten).sum();
        }

        long bytesUp() {
            return closedBytesUp.get() + open.stream().mapToLong(ApiResponse.DuplexLink::wireBytesRead).sum();
        }
    }

    private final Map<String, NodeCounters> nodes = new ConcurrentHashMap<>();

    NodeCounters node(String node) {
        return nodes.computeIfAbsent(node, n -> new NodeCounters());
    }

    void opened(String node, ApiResponse.DuplexLink link) {
        node(node).open.add(link);
    }

    void closed(String node, ApiResponse.DuplexLink link) {
        NodeCounters c = node(node);
        if (c.open.remove(link)) {
            c.closedBytesDown.addAndGet(link.wireBytesWritten());
            c.closedBytesUp.addAndGet(link.wireBytesRead());
        }
    }

    /** Bytes on the wire to ({@code downstream}) or from the node so far. */
    public long wireBytes(String node, boolean downstream) {
        NodeCounters c = nodes.get(node);
        return c == null ? 0 : downstream ? c.bytesDown() : c.bytesUp();
    }

    /** Frames to ({@code downstream}) or from the node so far. */
    public long frames(String node, boolean downstream) {
        NodeCounters c = nodes.get(node);
        return c == null ? 0 : downstream ? c.framesDown.get() : c.framesUp.get();
    }

    /** The exposition text. */
    public String text() {
        Map<String, NodeCounters> sorted = new TreeMap<>(nodes);
        StringBuilder out = new StringBuilder();
        out.append("# HELP outpost_tunnel_wire_bytes_total Bytes on a node tunnel's TLS connection, by node and direction.\n");
        out.append("# TYPE outpost_tunnel_wire_bytes_total counter\n");
        sorted.forEach((node, c) -> {
            sample(out, "outpost_tunnel_wire_bytes_total", node, "downstream", c.bytesDown());
            sample(out, "outpost_tunnel_wire_bytes_total", node, "upstream", c.bytesUp());
        });
        out.append("# HELP outpost_tunnel_frames_total Tunnel frames, by node and direction.\n");
        out.append("# TYPE outpost_tunnel_frames_total counter\n");
        sorted.forEach((node, c) -> {
            sample(out, "outpost_tunnel_frames_total", node, "downstream", c.framesDown.get());
            sample(out, "outpost_tunnel_frames_total", node, "upstream", c.framesUp.get());
        });
        out.append("# HELP outpost_tunnel_connected Whether a node's tunnel is open.\n");
        out.append("# TYPE outpost_tunnel_connected gauge\n");
        sorted.forEach((node, c) -> out.append("outpost_tunnel_connected{node=\"").append(escape(node)).append("\"} ")
                .append(c.open.isEmpty() ? 0 : 1).append('\n'));
        return out.toString();
    }

    /** {@code /metrics}, in the text format Prometheus scrapes. */
    public ApiHandler handler() {
        return (ApiRequest request) -> new ApiResponse.Full(200, "text/plain; version=0.0.4; charset=utf-8", Map.of(),
                text().getBytes(StandardCharsets.UTF_8));
    }

    private static void sample(StringBuilder out, String name, String node, String direction, long value) {
        out.append(name).append("{node=\"").append(escape(node)).append("\",direction=\"").append(direction).append("\"} ")
                .append(value).append('\n');
    }

    /** Label values escape backslash, double quote and newline (exposition format 0.0.4). */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
