package io.outpost.apiserver.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Services as {@code kubectl get services} shows them (kubernetes {@code printService}):
 * CLUSTER-IP is the first of {@code clusterIPs}; EXTERNAL-IP depends on the type (a
 * LoadBalancer's ingress IPs or hostnames, sorted, then {@code externalIPs}; {@code <pending>}
 * until it has one; the ExternalName for ExternalName); PORT(S) reads {@code 80/TCP} or, with a
 * node port, {@code 443:30443/TCP}.
 *
 * <p>The server generates wide rows, so the load-balancer list is never clipped (kube clips it
 * to 16 characters only for narrow output). Thread model: stateless.
 */
final class ServiceConvertor implements TableConvertor {

    private static final List<Column> COLUMNS = List.of(
            Column.NAME,
            Column.string("Type", Descriptions.SERVICE_TYPE),
            Column.string("Cluster-IP", Descriptions.CLUSTER_IP),
            Column.string("External-IP", Descriptions.EXTERNAL_IPS),
            Column.string("Port(s)", Descriptions.SERVICE_PORTS),
            Column.AGE,
            Column.wide("Selector", Descriptions.SERVICE_SELECTOR));

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public Row row(ObjectNode service, Instant now) {
        JsonNode spec = service.path("spec");
        List<JsonNode> clusterIPs = Fields.items(spec, "clusterIPs");
        String clusterIP = clusterIPs.isEmpty() ? "<none>" : clusterIPs.getFirst().asString();
        String ports = ports(Fields.items(spec, "ports"));
        return Row.of(Fields.name(service), Fields.text(spec, "type"), clusterIP, externalIP(service),
                ports.isEmpty() ? "<none>" : ports, Fields.age(service, now), Fields.formatLabels(spec.path("selector")));
    }

    static String ports(List<JsonNode> ports) {
        StringJoiner out = new StringJoiner(",");
        for (JsonNode p : ports) {
            // protocol is defaulted to TCP on admission; an undefaulted object prints the same
            String protocol = Fields.text(p, "protocol").isEmpty() ? "TCP" : Fields.text(p, "protocol");
            long nodePort = Fields.integer(p, "nodePort");
            out.add(nodePort > 0
                    ? Fields.integer(p, "port") + ":" + nodePort + "/" + protocol
                    : Fields.integer(p, "port") + "/" + protocol);
        }
        return out.toString();
    }

    private static String externalIP(JsonNode service) {
        JsonNode spec = service.path("spec");
        List<String> externalIPs = new ArrayList<>();
        Fields.items(spec, "externalIPs").forEach(ip -> externalIPs.add(ip.asString()));
        return switch (Fields.text(spec, "type")) {
            case "ClusterIP", "NodePort" -> externalIPs.isEmpty() ? "<none>" : String.join(",", externalIPs);
            case "LoadBalancer" -> {
                TreeSet<String> ingress = new TreeSet<>();
                for (JsonNode i : Fields.items(service, "status", "loadBalancer", "ingress")) {
                    if (!Fields.text(i, "ip").isEmpty()) {
                        ingress.add(Fields.text(i, "ip"));
                    } else if (!Fields.text(i, "hostname").isEmpty()) {
                        ingress.add(Fields.text(i, "hostname"));
                    }
                }
                List<String> all = new ArrayList<>(ingress);
                all.addAll(externalIPs);
                yield all.isEmpty() ? "<pending>" : String.join(",", all);
            }
            case "ExternalName" -> Fields.text(spec, "externalName");
            default -> "<unknown>";
        };
    }
}
