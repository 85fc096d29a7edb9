package io.outpost.apiserver.table;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * Leases, EndpointSlices, NetworkPolicies and RBAC bindings (kubernetes {@code printLease},
 * {@code printEndpointSlice}, {@code printNetworkPolicy}, {@code printRoleBinding},
 * {@code printClusterRoleBinding}). Roles and ClusterRoles have no printer in kube and get the
 * {@link DefaultConvertor}.
 *
 * <p>Thread model: constants of immutable convertors.
 */
final class OtherConvertors {

    private OtherConvertors() {
    }

    static final TableConvertor LEASES = new Convertor(
            List.of(Column.NAME, Column.string("Holder", "holderIdentity contains the identity of the holder of a "
                    + "current lease."), Column.AGE),
            (o, now) -> List.of(Fields.name(o), Fields.text(o, "spec", "holderIdentity"), Fields.age(o, now)));

    /** kube's {@code printPriorityClass}. */
    static final TableConvertor PRIORITY_CLASSES = new Convertor(
            List.of(Column.NAME, Column.integer("Value", "value represents the integer value of this priority class."),
                    new Column("Global-Default", "boolean", "", "globalDefault specifies whether this PriorityClass "
                            + "should be considered as the default priority for pods that do not have any priority class.", 0),
                    Column.AGE,
                    Column.string("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower "
                            + "priority.")),
            (o, now) -> List.of(Fields.name(o), Fields.integer(o, "value"), o.path("globalDefault").asBoolean(false),
                    Fields.age(o, now), Fields.text(o, "preemptionPolicy")));

    static final TableConvertor ENDPOINT_SLICES = new Convertor(
            List.of(Column.NAME, Column.string("AddressType", "addressType specifies the type of address carried by "
                            + "this EndpointSlice."),
                    Column.string("Ports", "ports specifies the list of network ports exposed by each endpoint in "
                            + "this slice."),
                    Column.string("Endpoints", "endpoints is a list of unique endpoints in this slice."), Column.AGE),
            (o, now) -> List.of(Fields.name(o), Fields.text(o, "addressType"), slicePorts(o), sliceEndpoints(o),
                    Fields.age(o, now)));

    static final TableConvertor NETWORK_POLICIES = new Convertor(
            List.of(Column.NAME, Column.string("Pod-Selector", "podSelector selects the pods to which this "
                    + "NetworkPolicy object applies."), Column.AGE),
            (o, now) -> List.of(Fields.name(o), Fields.formatSelector(Fields.at(o, "spec", "podSelector")),
                    Fields.age(o, now)));

    /**
     * kube's {@code printCertificateSigningRequest}: the condition column is Approved, Denied or
     * Failed as set (else Pending), plus Issued once a certificate is there.
     */
    static final TableConvertor CERTIFICATE_SIGNING_REQUESTS = new Convertor(
            List.of(Column.NAME, Column.AGE,
                    Column.string("SignerName", "Only use the signerName as a way to find the CSRs of a signer."),
                    Column.string("Requestor", "Name of the user that requested the certificate."),
                    Column.string("RequestedDuration", "The requested duration of the issued certificate."),
                    Column.string("Condition", "The state of the request: Approved, Denied, Failed, Pending, Issued.")),
            (o, now) -> {
                List<String> states = new ArrayList<>();
                for (JsonNode c : Fields.items(o, "status", "conditions")) {
                    String type = Fields.text(c, "type");
                    if (List.of("Approved", "Denied", "Failed").contains(type)) {
                        states.add(type);
                    }
                }
                if (states.isEmpty()) {
                    states.add("Pending");
                }
                if (!Fields.text(o, "status", "certificate").isEmpty()) {
                    states.add("Issued");
                }
                String signer = Fields.text(o, "spec", "signerName");
                String duration = Fields.present(o, "spec", "expirationSeconds")
                        ? HumanDuration.format(java.time.Duration.ofSeconds(Fields.integer(o, "spec", "expirationSeconds"))) : "<none>";
                return List.of(Fields.name(o), Fields.age(o, now), signer.isEmpty() ? "<none>" : signer,
                        Fields.text(o, "spec", "username"), duration, String.join(",", states));
            });

    static final TableConvertor ROLE_BINDINGS = binding("roleBinding");
    static final TableConvertor CLUSTER_ROLE_BINDINGS = binding("clusterRoleBinding");

    /** ROLE is "Kind/name"; the wide columns list subjects by kind, service accounts as "ns/name". */
    private static TableConvertor binding(String noun) {
        return new Convertor(
                List.of(Column.NAME, Column.string("Role", "RoleRef can only reference a ClusterRole in the global "
                                + "namespace."), Column.AGE,
                        Column.wide("Users", "Users in the " + noun), Column.wide("Groups", "Groups in the " + noun),
                        Column.wide("ServiceAccounts", "ServiceAccounts in the " + noun)),
                (o, now) -> {
                    List<String> users = new ArrayList<>();
                    List<String> groups = new ArrayList<>();
                    List<String> serviceAccounts = new ArrayList<>();
                    for (JsonNode s : Fields.items(o, "subjects")) {
                        switch (Fields.text(s, "kind")) {
                            case "User" -> users.add(Fields.text(s, "name"));
                            case "Group" -> groups.add(Fields.text(s, "name"));
                            case "ServiceAccount" -> serviceAccounts.add(Fields.text(s, "namespace") + "/"
                                    + Fields.text(s, "name"));
                            default -> { }
                        }
                    }
                    return List.of(Fields.name(o),
                            Fields.text(o, "roleRef", "kind") + "/" + Fields.text(o, "roleRef", "name"), Fields.age(o, now),
                            String.join(", ", users), String.join(", ", groups), String.join(", ", serviceAccounts));
                });
    }

    /** Port numbers (a name, or "*", when unset), the first three, then " + N more...". */
    private static String slicePorts(JsonNode slice) {
        List<String> list = new ArrayList<>();
        List<JsonNode> ports = Fields.items(slice, "ports");
        for (JsonNode p : ports) {
            if (list.size() < 3) {
                list.add(Fields.present(p, "port") ? Long.toString(Fields.integer(p, "port"))
                        : Fields.present(p, "name") ? Fields.text(p, "name") : "*");
            }
        }
        return withMore(list, ports.size());
    }

    private static String sliceEndpoints(JsonNode slice) {
        List<String> list = new ArrayList<>();
        int count = 0;
        for (JsonNode e : Fields.items(slice, "endpoints")) {
            for (JsonNode a : Fields.items(e, "addresses")) {
                if (list.size() < 3) {
                    list.add(a.asString());
                }
                count++;
            }
        }
        return withMore(list, count);
    }

    /** kube's {@code listWithMoreString}: "&lt;unset&gt;" when empty. */
    private static String withMore(List<String> list, int count) {
        String joined = String.join(",", list);
        if (count > 3) {
            return joined + " + " + (count - 3) + " more...";
        }
        return joined.isEmpty() ? "<unset>" : joined;
    }
}
