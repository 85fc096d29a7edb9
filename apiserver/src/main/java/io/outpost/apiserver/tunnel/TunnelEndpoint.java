package io.outpost.apiserver.tunnel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.outpost.apiserver.http.ApiHandler;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Router;
import io.outpost.apiserver.http.Statuses;

/**
 * The tunnel's endpoint on the API port: a WebSocket upgrade of
 * {@code GET /apis/tunnel.outpost.io/v1/nodes/<node>/connect}, over the same TLS as the API, for
 * the node's own client certificate ({@code CN=system:node:<node>}, {@code O=system:nodes}) only.
 * Authentication and authorization ({@link TunnelAuthorizer}) run first, as for any request;
 * this handler refuses (403 Status) any other user that got past them, such as an admin: a
 * tunnel carries one node's objects and speaks for that node. No client ever needs an inbound
 * connection to the node.
 *
 * <p>A node has at most one tunnel: a new connection closes the one before it (the agent dialled
 * again after a silence the server had not noticed yet).
 *
 * <p>Thread model: {@link #handle} runs on request virtual threads, many at once; each accepted
 * connection is then served by its {@link TunnelSession} on that thread.
 */
public final class TunnelEndpoint implements ApiHandler {

    public static final String GROUP = "tunnel.outpost.io";
    public static final String PREFIX = "/apis/" + GROUP;

    private final TunnelConfig config;
    private final Map<String, TunnelSession> sessions = new ConcurrentHashMap<>();
    /** Which pods' tokens each node's agent holds, across its connections to this server. */
    private final TokenLedger ledger = new TokenLedger();

    public TunnelEndpoint(TunnelConfig config) {
        this.config = config;
    }

    /** Mounts the endpoint on {@value #PREFIX}, and the tunnel metrics on {@code /metrics}. */
    public void mountOn(Router.Builder router) {
        router.prefix(PREFIX, this);
        router.exact("/metrics", config.metrics().handler());
    }

    /** The path a node dials. */
    public static String connectPath(String node) {
        return PREFIX + "/v1/nodes/" + node + "/connect";
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        List<String> parts = List.of(request.path().substring(PREFIX.length()).split("/"));
        // "", "v1", "nodes", "<node>", "connect"
        if (parts.size() != 5 || !parts.get(1).equals("v1") || !parts.get(2).equals("nodes") || !parts.get(4).equals("connect")) {
            return Router.notFound();
        }
        String node = parts.get(3);
        if (!request.method().equals("GET")) {
            return Statuses.failure(405, "MethodNotAllowed", "the tunnel is opened with GET and a WebSocket upgrade");
        }
        if (!node.equals(TunnelAuthorizer.nodeName(request.user()))) {
            return Statuses.failure(403, "Forbidden", "nodes.tunnel.outpost.io \"" + node + "\" is forbidden: User \""
                    + request.user().name() + "\" cannot get resource \"nodes/connect\" in API group \"" + GROUP
                    + "\": only the node itself (client certificate CN=system:node:" + node + ", O=system:nodes) may open its tunnel",
                    new Statuses.Details(node, GROUP, "nodes", List.of()));
        }
        TunnelSession session = new TunnelSession(config, node, request.user(), ledger);
        return new ApiResponse.Duplex(Map.of(), link -> {
            TunnelSession before = sessions.put(node, session);
            if (before != null) {
                before.close();
            }
            try {
                session.run(link);
            } finally {
                sessions.remove(node, session);
            }
        });
    }

    /** Whether {@code node} has a tunnel open. */
    public boolean connected(String node) {
        return sessions.containsKey(node);
    }
}
