package io.outpost.apiserver.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pods as {@code kubectl get pods} shows them (kubernetes {@code printPod}, 1.33): READY counts
 * ready containers (and started sidecars) out of containers plus sidecars; STATUS is the phase,
 * overridden by the pod's reason, the first failing or waiting init container
 * ({@code Init:CrashLoopBackOff}, {@code Init:1/3}), then the containers' waiting or terminated
 * reasons ({@code CrashLoopBackOff}, {@code Completed}, {@code ExitCode:1}), and by
 * {@code Terminating} once a deletion is pending; RESTARTS adds "(5m ago)" after the last
 * restart.
 *
 * <p>Thread model: stateless.
 */
final class PodConvertor implements TableConvertor {

    /** The pod reason the node lifecycle controller sets on pods of an unreachable node. */
    private static final String NODE_LOST = "NodeLost";

    private static final List<Column> COLUMNS = List.of(
            Column.NAME,
            Column.string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            Column.string("Status", "The aggregate status of the containers in this pod."),
            Column.string("Restarts", "The number of times the containers in this pod have been restarted and when "
                    + "the last container in this pod has restarted."),
            Column.AGE,
            Column.wide("IP", Descriptions.POD_IP),
            Column.wide("Node", Descriptions.NODE_NAME),
            Column.wide("Nominated Node", Descriptions.NOMINATED_NODE_NAME),
            Column.wide("Readiness Gates", Descriptions.READINESS_GATES));

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public Row row(ObjectNode pod, Instant now) {
        JsonNode spec = pod.path("spec");
        JsonNode status = pod.path("status");
        String phase = Fields.text(status, "phase");
        String reason = Fields.text(status, "reason").isEmpty() ? phase : Fields.text(status, "reason");
        for (JsonNode c : Fields.items(status, "conditions")) {
            if (Fields.text(c, "type").equals("PodScheduled") && Fields.text(c, "reason").equals("SchedulingGated")) {
                reason = "SchedulingGated";
            }
        }

        List<JsonNode> initSpecs = Fields.items(spec, "initContainers");
        Set<String> sidecars = new HashSet<>();
        for (JsonNode c : initSpecs) {
            if (Fields.text(c, "restartPolicy").equals("Always")) {
                sidecars.add(Fields.text(c, "name"));
            }
        }
        int total = Fields.items(spec, "containers").size() + sidecars.size();
        int ready = 0;
        long restarts = 0;
        long sidecarRestarts = 0;
        Optional<Instant> lastRestart = Optional.empty();
        Optional<Instant> lastSidecarRestart = Optional.empty();

        boolean initializing = false;
        List<JsonNode> initStatuses = Fields.items(status, "initContainerStatuses");
        for (int i = 0; i < initStatuses.size(); i++) {
            JsonNode c = initStatuses.get(i);
            boolean sidecar = sidecars.contains(Fields.text(c, "name"));
            restarts += Fields.integer(c, "restartCount");
            Optional<Instant> finished = Fields.time(c, "lastState", "terminated", "finishedAt");
            lastRestart = later(lastRestart, finished);
            if (sidecar) {
                sidecarRestarts += Fields.integer(c, "restartCount");
                lastSidecarRestart = later(lastSidecarRestart, finished);
            }
            JsonNode terminated = Fields.at(c, "state", "terminated");
            JsonNode waiting = Fields.at(c, "state", "waiting");
            if (terminated.isObject() && Fields.integer(terminated, "exitCode") == 0) {
                continue;
            }
            if (sidecar && Fields.bool(c, "started")) {
                if (Fields.bool(c, "ready")) {
                    ready++;
                }
                continue;
            }
            if (terminated.isObject()) {
                reason = "Init:" + terminatedReason(terminated);
            } else if (waiting.isObject() && !Fields.text(waiting, "reason").isEmpty()
                    && !Fields.text(waiting, "reason").equals("PodInitializing")) {
                reason = "Init:" + Fields.text(waiting, "reason");
            } else {
                reason = "Init:" + i + "/" + initSpecs.size();
            }
            initializing = true;
            break;
        }

        if (!initializing || hasTrueCondition(status, "Initialized")) {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            boolean hasRunning = false;
            List<JsonNode> statuses = Fields.items(status, "containerStatuses");
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode c = statuses.get(i);
                restarts += Fields.integer(c, "restartCount");
                lastRestart = later(lastRestart, Fields.time(c, "lastState", "terminated", "finishedAt"));
                JsonNode terminated = Fields.at(c, "state", "terminated");
                String waitingReason = Fields.text(c, "state", "waiting", "reason");
                if (!waitingReason.isEmpty()) {
                    reason = waitingReason;
                } else if (terminated.isObject()) {
                    reason = terminatedReason(terminated);
                } else if (Fields.bool(c, "ready") && Fields.at(c, "state", "running").isObject()) {
                    hasRunning = true;
                    ready++;
                }
            }
            // a container still running keeps a pod with one completed container Running
            if (reason.equals("Completed") && hasRunning) {
                reason = hasTrueCondition(status, "Ready") ? "Running" : "NotReady";
            }
        }

        boolean deleting = Fields.present(pod, "metadata", "deletionTimestamp");
        if (deleting && Fields.text(status, "reason").equals(NODE_LOST)) {
            reason = "Unknown";
        } else if (deleting && !phase.equals("Succeeded") && !phase.equals("Failed")) {
            reason = "Terminating";
        }

        String restartCell = Long.toString(restarts);
        if (restarts != 0 && lastRestart.isPresent()) {
            restartCell = restarts + " (" + Fields.since(lastRestart, now) + " ago)";
        }

        List<Object> cells = new ArrayList<>(List.of(Fields.name(pod), ready + "/" + total, reason, restartCell,
                Fields.age(pod, now)));
        List<JsonNode> ips = Fields.items(status, "podIPs");
        cells.add(orNone(ips.isEmpty() ? "" : Fields.text(ips.getFirst(), "ip")));
        cells.add(orNone(Fields.text(spec, "nodeName")));
        cells.add(orNone(Fields.text(status, "nominatedNodeName")));
        cells.add(readinessGates(spec, status));
        return new Row(cells, conditions(phase));
    }

    private static String terminatedReason(JsonNode terminated) {
        String reason = Fields.text(terminated, "reason");
        if (!reason.isEmpty()) {
            return reason;
        }
        long signal = Fields.integer(terminated, "signal");
        return signal != 0 ? "Signal:" + signal : "ExitCode:" + Fields.integer(terminated, "exitCode");
    }

    private static String readinessGates(JsonNode spec, JsonNode status) {
        List<JsonNode> gates = Fields.items(spec, "readinessGates");
        if (gates.isEmpty()) {
            return "<none>";
        }
        int satisfied = 0;
        for (JsonNode gate : gates) {
            String type = Fields.text(gate, "conditionType");
            for (JsonNode c : Fields.items(status, "conditions")) {
                if (Fields.text(c, "type").equals(type)) {
                    if (Fields.text(c, "status").equals("True")) {
                        satisfied++;
                    }
                    break;
                }
            }
        }
        return satisfied + "/" + gates.size();
    }

    private static List<Row.RowCondition> conditions(String phase) {
        return switch (phase) {
            case "Succeeded" -> List.of(new Row.RowCondition("Completed", "True", "Succeeded",
                    "The pod has completed successfully."));
            case "Failed" -> List.of(new Row.RowCondition("Completed", "True", "Failed", "The pod failed."));
            default -> List.of();
        };
    }

    private static boolean hasTrueCondition(JsonNode status, String type) {
        for (JsonNode c : Fields.items(status, "conditions")) {
            if (Fields.text(c, "type").equals(type) && Fields.text(c, "status").equals("True")) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Instant> later(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isPresent() && b.get().isAfter(a.get()) ? b : a;
    }

    static String orNone(String value) {
        return value.isEmpty() ? "<none>" : value;
    }
}
