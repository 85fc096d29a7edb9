package io.outpost.apiserver.tunnel;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An events.k8s.io/v1 Event (what the agent reports, the pod workers' type) as the core/v1 Event
 * it is stored as here, so that {@code kubectl get events} and {@code kubectl describe} show it
 * beside the controllers' events. Kubernetes stores both versions as one resource; its
 * conversion (pkg/apis/events/v1 {@code Convert_v1_Event_To_core_Event}) maps {@code note} to
 * {@code message}, {@code regarding} to {@code involvedObject}, {@code reportingController} to
 * {@code reportingComponent}, and the {@code deprecated*} fields to their old names. An event
 * without a name gets kubelet's {@code <object>.<hex nanoseconds>}; without a source, the node.
 *
 * <p>Thread model: stateless.
 */
final class CoreEvents {

    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private CoreEvents() {
    }

    static ObjectNode fromEventsV1(JsonNode v1, String node, Instant now) {
        ObjectNode core = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Event");
        ObjectNode meta = v1.path("metadata") instanceof ObjectNode m ? m.deepCopy() : JsonNodeFactory.instance.objectNode();
        meta.remove("resourceVersion");
        meta.remove("uid");
        meta.remove("managedFields");
        JsonNode regarding = v1.path("regarding");
        if (meta.path("name").asString("").isEmpty() && meta.path("generateName").asString("").isEmpty()) {
            String object = regarding.path("name").asString(node);
            meta.put("name", object + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()));
        }
        if (meta.path("namespace").asString("").isEmpty()) {
            meta.put("namespace", regarding.path("namespace").asString("default"));
        }
        core.set("metadata", meta);
        if (!regarding.isMissingNode()) {
            core.set("involvedObject", regarding.deepCopy());
        }
        copy(v1, "note", core, "message");
        copy(v1, "reason", core, "reason");
        copy(v1, "type", core, "type");
        copy(v1, "action", core, "action");
        copy(v1, "eventTime", core, "eventTime");
        copy(v1, "related", core, "related");
        copy(v1, "series", core, "series");
        copy(v1, "reportingController", core, "reportingComponent");
        copy(v1, "reportingInstance", core, "reportingInstance");
        copy(v1, "deprecatedFirstTimestamp", core, "firstTimestamp");
        copy(v1, "deprecatedLastTimestamp", core, "lastTimestamp");
        copy(v1, "deprecatedCount", core, "count");
        if (v1.has("deprecatedSource")) {
            core.set("source", v1.get("deprecatedSource").deepCopy());
        } else {
            core.putObject("source").put("component", v1.path("reportingController").asString("outpost-agent")).put("host", node);
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

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(as, value.deepCopy());
        }
    }
}
