package io.outpost.apiserver.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Nodes as {@code kubectl get nodes} shows them (kubernetes {@code printNode}): STATUS is
 * {@code Ready}, {@code NotReady} or {@code Unknown} (no Ready condition yet), with
 * {@code ,SchedulingDisabled} for a cordoned node; ROLES come from
 * {@code node-role.kubernetes.io/<role>} label keys and the {@code kubernetes.io/role} label's
 * value, sorted, or {@code <none>}.
 *
 * <p>Thread model: stateless.
 */
final class NodeConvertor implements TableConvertor {

    private static final String ROLE_PREFIX = "node-role.kubernetes.io/";
    private static final String ROLE_LABEL = "kubernetes.io/role";

    private static final List<Column> COLUMNS = List.of(
            Column.NAME,
            Column.string("Status", "The status of the node"),
            Column.string("Roles", "The roles of the node"),
            Column.AGE,
            Column.string("Version", Descriptions.KUBELET_VERSION),
            Column.wide("Internal-IP", Descriptions.NODE_ADDRESSES),
            Column.wide("External-IP", Descriptions.NODE_ADDRESSES),
            Column.wide("OS-Image", Descriptions.OS_IMAGE),
            Column.wide("Kernel-Version", Descriptions.KERNEL_VERSION),
            Column.wide("Container-Runtime", Descriptions.CONTAINER_RUNTIME_VERSION));

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public Row row(ObjectNode node, Instant now) {
        JsonNode info = Fields.at(node, "status", "nodeInfo");
        List<Object> cells = new ArrayList<>(List.of(Fields.name(node), status(node), roles(node), Fields.age(node, now),
                Fields.text(info, "kubeletVersion")));
        cells.add(address(node, "InternalIP"));
        cells.add(address(node, "ExternalIP"));
        cells.add(orUnknown(Fields.text(info, "osImage")));
        cells.add(orUnknown(Fields.text(info, "kernelVersion")));
        cells.add(orUnknown(Fields.text(info, "containerRuntimeVersion")));
        return new Row(cells, List.of());
    }

    private static String status(JsonNode node) {
        String status = "Unknown";
        // the last Ready condition wins, as kube's map of conditions by type keeps the last
        for (JsonNode c : Fields.items(node, "status", "conditions")) {
            if (Fields.text(c, "type").equals("Ready")) {
                status = Fields.text(c, "status").equals("True") ? "Ready" : "NotReady";
            }
        }
        return Fields.bool(node, "spec", "unschedulable") ? status + ",SchedulingDisabled" : status;
    }

    private static String roles(JsonNode node) {
        TreeSet<String> roles = new TreeSet<>();
        JsonNode labels = Fields.at(node, "metadata", "labels");
        if (labels.isObject()) {
            labels.forEachEntry((key, value) -> {
                if (key.startsWith(ROLE_PREFIX) && key.length() > ROLE_PREFIX.length()) {
                    roles.add(key.substring(ROLE_PREFIX.length()));
                } else if (key.equals(ROLE_LABEL) && !value.asString().isEmpty()) {
                    roles.add(value.asString());
                }
            });
        }
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    /** The first address of a type, or {@code <none>}. */
    private static String address(JsonNode node, String type) {
        for (JsonNode a : Fields.items(node, "status", "addresses")) {
            if (Fields.text(a, "type").equals(type)) {
                return Fields.text(a, "address");
            }
        }
        return "<none>";
    }

    private static String orUnknown(String value) {
        return value.isEmpty() ? "<unknown>" : value;
    }
}
