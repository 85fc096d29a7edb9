package io.outpost.apiserver.tunnel;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.outpost.apiserver.conversion.EventsV1Conversion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An events.k8s.io/v1 Event (what the agent reports, the pod workers' type) as the core/v1 Event
 * it is stored as here, so that {@code kubectl get events} and {@code kubectl describe} show it
 * beside the controllers' events, with the old API's fields kubelet's recorder fills (source,
 * first and last timestamps, count) that {@code kubectl describe} shows. The field names are
 * converted by {@link EventsV1Conversion}, the same conversion events.k8s.io/v1 requests get.
 * An event without a name gets kubelet's {@code <object>.<hex nanoseconds>}; without a source,
 * the node.
 *
 * <p>Thread model: stateless.
 */
final class CoreEvents {

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private CoreEvents() {
    }

    static ObjectNode fromEventsV1(JsonNode v1, String node, Instant now) {
        ObjectNode core = EventsV1Conversion.toCore(v1 instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode());
        ObjectNode meta = core.get("metadata") instanceof ObjectNode m ? m : core.putObject("metadata");
        meta.remove("resourceVersion");
        meta.remove("uid");
        meta.remove("managedFields");
        JsonNode regarding = core.path("involvedObject");
        if (meta.path("name").asString("").isEmpty() && meta.path("generateName").asString("").isEmpty()) {
            String object = regarding.path("name").asString(node);
            meta.put("name", object + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()));
        }
        if (meta.path("namespace").asString("").isEmpty()) {
            meta.put("namespace", regarding.path("namespace").asString("default"));
        }
        // Agents before this server wrote eventTime with nanoseconds, which no Go client decodes
        // (kubectl describe then showed no events at all): store it as kube's MicroTime.
        EventsV1Conversion.normalize(core, "eventTime");
        if (core.get("series") instanceof ObjectNode series) {
            EventsV1Conversion.normalize(series, "lastObservedTime");
        }
        if (!core.has("source")) {
            core.putObject("source").put("component", core.path("reportingComponent").asString("outpost-agent")).put("host", node);
        }
        // kubectl sorts and shows events by these; a new-style event without them would show as <unknown>.
        if (!core.has("firstTimestamp")) {
            core.put("firstTimestamp", SECONDS.format(now));
        }
        if (!core.has("lastTimestamp")) {
            core.put("lastTimestamp", core.get("firstTimestamp").asString());
        }
        if (!core.has("count")) {
            core.put("count", 1);
        }
        return core;
    }
}
