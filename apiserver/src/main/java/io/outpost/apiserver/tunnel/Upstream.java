package io.outpost.apiserver.tunnel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.outpost.api.ResourceType;
import io.outpost.api.ResourceTypes;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.UserInfo;
import io.outpost.apiserver.registry.Registry;
import io.outpost.apiserver.registry.Target;
import io.outpost.tunnel.Frame;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes what one node reports, through the {@link Registry}'s verbs (so admission, validation
 * and field tracking apply, with field manager {@value #FIELD_MANAGER}), as the node itself:
 * <ul>
 *   <li>a pod's status: a merge patch of {@code pods/status}, only for a pod bound to this node
 *       with the reported uid (kubelet's status manager patches status the same way);</li>
 *   <li>a terminated pod: a delete with grace period 0 and a uid precondition (kubelet's
 *       {@code statusManager.syncPod} once the pod can be deleted);</li>
 *   <li>the node's status: a merge patch of {@code nodes/status}; the Node is first created if it
 *       does not exist (kubelet's {@code registerWithAPIServer}), with the well-known labels and
 *       the labels and annotations the agent last reported;</li>
 *   <li>the node's own labels and annotations ({@code --labels}, {@code --pool}, link quality): a
 *       merge patch of the Node's metadata, which never removes keys others set (kubelet's
 *       {@code --node-labels}, applied at registration and kept);</li>
 *   <li>an Event: created in its namespace as the core/v1 Event {@code kubectl get events}
 *       lists ({@link CoreEvents});</li>
 *   <li>the node's Lease {@code kube-node-lease/<node>} on each heartbeat: holderIdentity, a
 *       40 s duration and renewTime (kubelet's nodelease controller), created if missing.</li>
 * </ul>
 * A report the registry refuses for good (the pod is gone, a precondition failed, invalid) is
 * logged and counted as done: latest-wins reports are not worth retrying. A server-side failure
 * (5xx) throws, which ends the connection; the agent sends the report again on the next one.
 *
 * <p>Thread model: called by one session's reader thread; it keeps only the node's name and the
 * metadata last reported in this session (for a registration that follows it).
 */
final class Upstream {

    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);
    static final String FIELD_MANAGER = "outpost-agent";
    static final String LEASE_NAMESPACE = "kube-node-lease";
    /** kubelet's default {@code nodeLeaseDurationSeconds}. */
    static final int LEASE_DURATION_SECONDS = 40;
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final Registry registry;
    private final String node;
    private final UserInfo user;
    private final Clock clock;
    private final ResourceType pods;
    private final ResourceType nodes;
    private final ResourceType leases;
    private final ResourceType events;
    private JsonNode metadata; // the labels and annotations last reported, for registration

    Upstream(Registry registry, ResourceTypes types, String node, UserInfo user, Clock clock) {
        this.registry = registry;
        this.node = node;
        this.user = user;
        this.clock = clock;
        this.pods = types.lookup("", "v1", "pods").orElseThrow();
        this.nodes = types.lookup("", "v1", "nodes").orElseThrow();
        this.leases = types.lookup("coordination.k8s.io", "v1", "leases").orElseThrow();
        this.events = types.lookup("", "v1", "events").orElseThrow();
    }

    void apply(Frame.Report report) throws IOException {
        switch (report) {
            case Frame.PodStatus p -> podStatus(p);
            case Frame.PodTerminated p -> podTerminated(p);
            case Frame.NodeStatus n -> nodeStatus(n);
            case Frame.EventReport e -> event(e);
            case Frame.NodeMeta m -> nodeMeta(m);
        }
    }

    private void podStatus(Frame.PodStatus p) throws IOException {
        if (!ours(p.namespace(), p.name(), p.uid())) {
            LOG.debug("node {}: dropping the status of pod {}/{} (uid {}): not bound here", node, p.namespace(), p.name(), p.uid());
            return;
        }
        ObjectNode patch = JSON.createObjectNode();
        patch.set("status", JSON.readTree(p.status()));
        call("PATCH", new Target(pods, p.namespace(), p.name(), "status"), "application/merge-patch+json", patch);
    }

    private void podTerminated(Frame.PodTerminated p) throws IOException {
        if (!ours(p.namespace(), p.name(), p.uid())) {
            return;
        }
        ObjectNode options = JSON.createObjectNode().put("kind", "DeleteOptions").put("apiVersion", "v1").put("gracePeriodSeconds", 0);
        options.putObject("preconditions").put("uid", p.uid());
        call("DELETE", Target.object(pods, p.namespace(), p.name()), "application/json", options);
    }

    private void nodeStatus(Frame.NodeStatus n) throws IOException {
        JsonNode status = JSON.readTree(n.status());
        ObjectNode patch = JSON.createObjectNode();
        patch.set("status", status);
        Target target = new Target(nodes, null, node, "status");
        if (call("PATCH", target, "application/merge-patch+json", patch) == 404) {
            register(status);
            call("PATCH", target, "application/merge-patch+json", patch);
        }
    }

    /** Merges the agent's labels and annotations into the Node; a Node not yet registered gets them at registration. */
    private void nodeMeta(Frame.NodeMeta m) throws IOException {
        metadata = JSON.readTree(m.metadata());
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("metadata").setAll(ownMetadata());
        call("PATCH", Target.object(nodes, null, node), "application/merge-patch+json", patch);
    }

    /** {@code {labels, annotations}} as last reported, keeping only string values. */
    private ObjectNode ownMetadata() {
        ObjectNode out = JSON.createObjectNode();
        if (metadata != null) {
            for (String field : List.of("labels", "annotations")) {
                ObjectNode values = out.putObject(field);
                metadata.path(field).properties().forEach(e -> {
                    if (e.getValue().isString()) {
                        values.put(e.getKey(), e.getValue().asString());
                    }
                });
            }
        }
        return out;
    }

    /** Creates the Node as kubelet registers it, with the labels it sets itself (kubelet's initialNode). */
    private void register(JsonNode status) throws IOException {
        ObjectNode object = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Node");
        ObjectNode meta = object.putObject("metadata").put("name", node);
        ObjectNode own = ownMetadata();
        if (own.has("annotations")) {
            meta.set("annotations", own.get("annotations"));
        }
        ObjectNode labels = meta.putObject("labels");
        if (own.has("labels")) {
            labels.setAll((ObjectNode) own.get("labels"));
        }
        String os = status.path("nodeInfo").path("operatingSystem").asString("linux");
        String arch = status.path("nodeInfo").path("architecture").asString("amd64");
        labels.put("kubernetes.io/hostname", node).put("kubernetes.io/os", os).put("kubernetes.io/arch", arch)
                .put("beta.kubernetes.io/os", os).put("beta.kubernetes.io/arch", arch);
        int code = call("POST", Target.collection(nodes, null), "application/json", object);
        if (code / 100 == 2) {
            LOG.info("registered node {}", node);
        }
    }

    private void event(Frame.EventReport e) throws IOException {
        ObjectNode event = CoreEvents.fromEventsV1(JSON.readTree(e.event()), node, clock.instant());
        call("POST", Target.collection(events, event.path("metadata").path("namespace").asString()), "application/json", event);
    }

    /** Renews (or creates) the node's Lease. */
    void renewLease() throws IOException {
        String now = MICRO_TIME.format(clock.instant());
        ObjectNode patch = JSON.createObjectNode();
        patch.putObject("spec").put("holderIdentity", node).put("leaseDurationSeconds", LEASE_DURATION_SECONDS).put("renewTime", now);
        if (call("PATCH", Target.object(leases, LEASE_NAMESPACE, node), "application/merge-patch+json", patch) == 404) {
            ObjectNode lease = JSON.createObjectNode().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
            lease.putObject("metadata").put("name", node).put("namespace", LEASE_NAMESPACE);
            lease.set("spec", patch.get("spec"));
            call("POST", Target.collection(leases, LEASE_NAMESPACE), "application/json", lease);
        }
    }

    /** Whether the pod exists, is bound to this node and has this uid. */
    private boolean ours(String namespace, String name, String uid) throws IOException {
        ApiResponse response = registry.handle(request("GET", Target.object(pods, namespace, name), "", new byte[0]),
                Target.object(pods, namespace, name));
        if (!(response instanceof ApiResponse.Full full) || full.status() != 200) {
            return false;
        }
        JsonNode pod = JSON.readTree(full.body());
        return uid.equals(pod.path("metadata").path("uid").asString(""))
                && node.equals(pod.path("spec").path("nodeName").asString(""));
    }

    /** One registry call; returns its status code, throws on a server-side failure. */
    private int call(String method, Target target, String contentType, JsonNode body) throws IOException {
        ApiResponse response = registry.handle(request(method, target, contentType, JSON.writeValueAsBytes(body)), target);
        int status = response.status();
        if (status >= 500 || status == 429) {
            throw new IOException(method + " " + describe(target) + " failed with " + status + ": " + text(response));
        }
        if (status >= 400 && status != 404) {
            LOG.info("node {}: {} {} refused with {}: {}", node, method, describe(target), status, text(response));
        }
        return status;
    }

    private ApiRequest request(String method, Target target, String contentType, byte[] body) {
        Map<String, List<String>> headers = contentType.isEmpty() ? Map.of() : Map.of("content-type", List.of(contentType));
        Map<String, List<String>> query = method.equals("PATCH") || method.equals("POST") || method.equals("PUT")
                ? Map.of("fieldManager", List.of(FIELD_MANAGER)) : Map.of();
        return new ApiRequest(method, path(target), query, headers, body, user);
    }

    private static String path(Target t) {
        ResourceType type = t.type();
        String group = type.kind().group().isEmpty() ? "/api/v1" : "/apis/" + type.kind().group() + "/" + type.kind().version();
        String ns = t.namespace() == null ? "" : "/namespaces/" + t.namespace();
        return group + ns + "/" + type.plural() + (t.name() == null ? "" : "/" + t.name())
                + (t.subresource() == null ? "" : "/" + t.subresource());
    }

    private static String describe(Target t) {
        return path(t);
    }

    private static String text(ApiResponse response) {
        return response instanceof ApiResponse.Full full ? new String(full.body(), StandardCharsets.UTF_8) : "";
    }
}
