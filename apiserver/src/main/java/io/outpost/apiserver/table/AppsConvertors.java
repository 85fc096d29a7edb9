package io.outpost.apiserver.table;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * The apps/v1 workloads (kubernetes {@code printDeployment}, {@code printReplicaSet},
 * {@code printDaemonSet}, {@code printStatefulSet}) and their history
 * ({@code printControllerRevision}). Counts read as stored: {@code spec.replicas}
 * is defaulted to 1 on admission, so a missing one reads 0 here as it would in a Go struct.
 *
 * <p>Thread model: constants of immutable convertors.
 */
final class AppsConvertors {

    private AppsConvertors() {
    }

    private static final Column CONTAINERS = Column.wide("Containers", Descriptions.CONTAINERS);
    private static final Column IMAGES = Column.wide("Images", Descriptions.IMAGES);

    /** READY is "ready/desired"; SELECTOR is the selector string, empty for an empty selector. */
    static final TableConvertor DEPLOYMENTS = new Convertor(
            List.of(Column.NAME, Column.string("Ready", Descriptions.READY_PODS),
                    Column.string("Up-to-date", Descriptions.UPDATED_REPLICAS),
                    Column.string("Available", Descriptions.AVAILABLE_REPLICAS), Column.AGE, CONTAINERS, IMAGES,
                    Column.wide("Selector", Descriptions.SELECTOR)),
            (o, now) -> withTemplate(o, List.of(Fields.name(o),
                    Fields.integer(o, "status", "readyReplicas") + "/" + Fields.integer(o, "spec", "replicas"),
                    Fields.integer(o, "status", "updatedReplicas"), Fields.integer(o, "status", "availableReplicas"),
                    Fields.age(o, now)), Fields.selector(Fields.at(o, "spec", "selector"))));

    static final TableConvertor REPLICA_SETS = new Convertor(
            List.of(Column.NAME, Column.integer("Desired", Descriptions.REPLICAS_SPEC),
                    Column.integer("Current", Descriptions.REPLICAS_STATUS),
                    Column.integer("Ready", Descriptions.READY_REPLICAS), Column.AGE, CONTAINERS, IMAGES,
                    Column.wide("Selector", Descriptions.SELECTOR)),
            (o, now) -> withTemplate(o, List.of(Fields.name(o), Fields.integer(o, "spec", "replicas"),
                    Fields.integer(o, "status", "replicas"), Fields.integer(o, "status", "readyReplicas"),
                    Fields.age(o, now)), Fields.formatSelector(Fields.at(o, "spec", "selector"))));

    static final TableConvertor DAEMON_SETS = new Convertor(
            List.of(Column.NAME,
                    Column.integer("Desired", "The total number of nodes that should be running the daemon pod."),
                    Column.integer("Current", "The number of nodes that are running at least 1 daemon pod and are "
                            + "supposed to run the daemon pod."),
                    Column.integer("Ready", "The number of nodes that should be running the daemon pod and have one or "
                            + "more of the daemon pod running with a Ready Condition."),
                    Column.integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
                    Column.integer("Available", "The number of nodes that should be running the daemon pod and have one "
                            + "or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
                    Column.string("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on "
                            + "a node."),
                    Column.AGE, CONTAINERS, IMAGES, Column.wide("Selector", "A label query over pods that are managed "
                            + "by the daemon set.")),
            (o, now) -> withTemplate(o, List.of(Fields.name(o), Fields.integer(o, "status", "desiredNumberScheduled"),
                    Fields.integer(o, "status", "currentNumberScheduled"), Fields.integer(o, "status", "numberReady"),
                    Fields.integer(o, "status", "updatedNumberScheduled"), Fields.integer(o, "status", "numberAvailable"),
                    Fields.formatLabels(Fields.at(o, "spec", "template", "spec", "nodeSelector")), Fields.age(o, now)),
                    Fields.formatSelector(Fields.at(o, "spec", "selector"))));

    static final TableConvertor STATEFUL_SETS = new Convertor(
            List.of(Column.NAME, Column.string("Ready", Descriptions.READY_PODS), Column.AGE, CONTAINERS, IMAGES),
            (o, now) -> withTemplate(o, List.of(Fields.name(o),
                    Fields.integer(o, "status", "readyReplicas") + "/" + Fields.integer(o, "spec", "replicas"),
                    Fields.age(o, now)), null));

    /**
     * CONTROLLER is the controller reference as {@code kind.group/name} in lower case
     * ({@code daemonset.apps/agent}), or "&lt;none&gt;"; REVISION is the number, typed string as kube
     * declares the column.
     */
    static final TableConvertor CONTROLLER_REVISIONS = new Convertor(
            List.of(Column.NAME, Column.string("Controller", "Controller of the object"),
                    Column.string("Revision", "Revision indicates the revision of the state represented by Data."),
                    Column.AGE),
            (o, now) -> List.of(Fields.name(o), controller(o), Fields.integer(o, "revision"), Fields.age(o, now)));

    private static String controller(JsonNode o) {
        for (JsonNode ref : Fields.items(o, "metadata", "ownerReferences")) {
            if (Fields.bool(ref, "controller")) {
                String apiVersion = Fields.text(ref, "apiVersion");
                String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
                String kind = Fields.text(ref, "kind").toLowerCase(java.util.Locale.ROOT);
                return (group.isEmpty() ? kind : kind + "." + group) + "/" + Fields.text(ref, "name");
            }
        }
        return "<none>";
    }

    /** The cells, then CONTAINERS and IMAGES of {@code spec.template}, then the selector if any. */
    static List<Object> withTemplate(JsonNode o, List<Object> cells, String selector) {
        List<Object> all = new ArrayList<>(cells);
        all.addAll(Fields.containerCells(Fields.at(o, "spec", "template", "spec")));
        if (selector != null) {
            all.add(selector);
        }
        return all;
    }
}
