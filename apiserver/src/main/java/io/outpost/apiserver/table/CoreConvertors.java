package io.outpost.apiserver.table;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * The core/v1 kinds whose printers are a few field reads (kubernetes {@code printNamespace},
 * {@code printConfigMap}, {@code printSecret}, {@code printServiceAccount},
 * {@code printEndpoints}).
 *
 * <p>Thread model: constants of immutable convertors.
 */
final class CoreConvertors {

    private CoreConvertors() {
    }

    static final TableConvertor NAMESPACES = new Convertor(
            List.of(Column.NAME, Column.string("Status", "The status of the namespace"), Column.AGE),
            (o, now) -> List.of(Fields.name(o), Fields.text(o, "status", "phase"), Fields.age(o, now)));

    /** DATA counts {@code data} and {@code binaryData} keys. */
    static final TableConvertor CONFIG_MAPS = new Convertor(
            List.of(Column.NAME, Column.string("Data", "Data contains the configuration data."), Column.AGE),
            (o, now) -> List.of(Fields.name(o), (long) (Fields.size(o, "data") + Fields.size(o, "binaryData")),
                    Fields.age(o, now)));

    static final TableConvertor SECRETS = new Convertor(
            List.of(Column.NAME, Column.string("Type", "Used to facilitate programmatic handling of secret data."),
                    Column.string("Data", "Data contains the secret data."), Column.AGE),
            (o, now) -> List.of(Fields.name(o), Fields.text(o, "type"), (long) Fields.size(o, "data"), Fields.age(o, now)));

    static final TableConvertor SERVICE_ACCOUNTS = new Convertor(
            List.of(Column.NAME, Column.string("Secrets", "Secrets is a list of the secrets in the same namespace "
                    + "that pods running using this ServiceAccount are allowed to use."), Column.AGE),
            (o, now) -> List.of(Fields.name(o), (long) Fields.size(o, "secrets"), Fields.age(o, now)));

    static final TableConvertor ENDPOINTS = new Convertor(
            List.of(Column.NAME, Column.string("Endpoints", "The set of all endpoints is the union of all subsets."),
                    Column.AGE),
            (o, now) -> List.of(Fields.name(o), endpoints(o), Fields.age(o, now)));

    /**
     * kube's {@code formatEndpoints}: {@code ip:port} for each port of each subset (bare IPs for a
     * subset without ports), the first three, then " + N more...".
     */
    static String endpoints(JsonNode endpoints) {
        List<JsonNode> subsets = Fields.items(endpoints, "subsets");
        if (subsets.isEmpty()) {
            return "<none>";
        }
        List<String> list = new ArrayList<>();
        int count = 0;
        for (JsonNode subset : subsets) {
            List<JsonNode> addresses = Fields.items(subset, "addresses");
            List<JsonNode> ports = Fields.items(subset, "ports");
            if (ports.isEmpty()) {
                count += addresses.size();
                addresses.forEach(a -> addBounded(list, Fields.text(a, "ip")));
                continue;
            }
            for (JsonNode port : ports) {
                count += addresses.size();
                for (JsonNode a : addresses) {
                    addBounded(list, hostPort(Fields.text(a, "ip"), Fields.integer(port, "port")));
                }
            }
        }
        String joined = String.join(",", list);
        return count > 3 ? joined + " + " + (count - 3) + " more..." : joined;
    }

    private static void addBounded(List<String> list, String value) {
        if (list.size() < 3) {
            list.add(value);
        }
    }

    /** Go's {@code net.JoinHostPort}: an IPv6 address is bracketed. */
    static String hostPort(String host, long port) {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
