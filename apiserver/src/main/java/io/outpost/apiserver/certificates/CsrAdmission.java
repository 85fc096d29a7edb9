package io.outpost.apiserver.certificates;

import java.util.List;

import io.outpost.apiserver.admission.AdmissionAttributes;
import io.outpost.apiserver.admission.AdmissionDenied;
import io.outpost.apiserver.admission.MutatingPlugin;
import io.outpost.apiserver.admission.Operation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What kube's CertificateSigningRequest strategies do beyond validation
 * ({@code pkg/registry/certificates/certificates/strategy.go}), done here because they need the
 * requesting user and the stored object:
 * <ul>
 * <li>create: {@code spec.username}, {@code spec.uid}, {@code spec.groups} and {@code spec.extra}
 *     are the requester's, whatever the body said (the approver trusts them), and the status is
 *     cleared;
 * <li>update: the spec and the status cannot change through the object itself;
 * <li>{@code /status}: the signer's write; Approved and Denied conditions are kept as stored (only
 *     {@code /approval} changes them), and a certificate once issued may not change;
 * <li>{@code /approval}: only the conditions change; an Approved or Denied condition may not be
 *     removed, and a Failed one is kept as stored.
 * </ul>
 * Thread model: stateless; runs on request threads, possibly more than once per request.
 */
public final class CsrAdmission implements MutatingPlugin {

    static final String GROUP = "certificates.k8s.io";

    @Override
    public String name() {
        return "CertificateSigningRequests";
    }

    @Override
    public void admit(AdmissionAttributes a, List<String> warnings) {
        if (!a.group().equals(GROUP) || !a.resource().equals("certificatesigningrequests") || a.object() == null) {
            return;
        }
        ObjectNode csr = a.object();
        if (a.operation() == Operation.CREATE) {
            ObjectNode spec = csr.path("spec") instanceof ObjectNode s ? s : csr.putObject("spec");
            spec.put("username", a.user().name());
            spec.remove("uid");
            if (!a.user().uid().isEmpty()) {
                spec.put("uid", a.user().uid());
            }
            ArrayNode groups = spec.putArray("groups");
            a.user().groups().forEach(groups::add);
            spec.remove("extra");
            if (!a.user().extra().isEmpty()) {
                ObjectNode extra = spec.putObject("extra");
                a.user().extra().forEach((k, v) -> {
                    ArrayNode values = extra.putArray(k);
                    v.forEach(values::add);
                });
            }
            csr.remove("status");
            return;
        }
        if (a.operation() != Operation.UPDATE || a.oldObject() == null) {
            return;
        }
        ObjectNode old = a.oldObject();
        switch (a.subresource()) {
            case "" -> {
                copy(old, csr, "spec");
                copy(old, csr, "status");
            }
            case "status" -> {
                String before = old.path("status").path("certificate").asString("");
                String after = csr.path("status").path("certificate").asString("");
                if (!before.isEmpty() && !before.equals(after)) {
                    throw invalid(a, "status.certificate", "Forbidden: updates may not modify a certificate");
                }
                if (before.isEmpty() && !after.isEmpty() && !hasTrue(old, "Approved")) {
                    throw invalid(a, "status.certificate", "Forbidden: may only be set once the request is Approved");
                }
                keepConditions(old, csr, List.of("Approved", "Denied"));
            }
            case "approval" -> {
                for (String type : List.of("Approved", "Denied")) {
                    if (has(old, type) && !has(csr, type)) {
                        throw invalid(a, "status.conditions", "Forbidden: updates may not remove a condition of type \"" + type + "\"");
                    }
                }
                ArrayNode conditions = csr.path("status").path("conditions") instanceof ArrayNode c ? c.deepCopy() : null;
                copy(old, csr, "status");
                if (conditions != null) {
                    ObjectNode status = csr.path("status") instanceof ObjectNode s ? s : csr.putObject("status");
                    status.set("conditions", conditions);
                } else if (csr.path("status") instanceof ObjectNode s) {
                    s.remove("conditions");
                }
                keepConditions(old, csr, List.of("Failed"));
            }
            default -> {
            }
        }
    }

    /** The conditions of {@code types} as stored in {@code old}; the others as in {@code csr}. */
    private static void keepConditions(ObjectNode old, ObjectNode csr, List<String> types) {
        ObjectNode status = csr.path("status") instanceof ObjectNode s ? s : csr.putObject("status");
        ArrayNode merged = status.arrayNode();
        for (JsonNode c : csr.path("status").path("conditions")) {
            if (!types.contains(c.path("type").asString(""))) {
                merged.add(c);
            }
        }
        for (JsonNode c : old.path("status").path("conditions")) {
            if (types.contains(c.path("type").asString(""))) {
                merged.add(c.deepCopy());
            }
        }
        if (merged.isEmpty()) {
            status.remove("conditions");
        } else {
            status.set("conditions", merged);
        }
    }

    static boolean has(JsonNode csr, String type) {
        for (JsonNode c : csr.path("status").path("conditions")) {
            if (c.path("type").asString("").equals(type)) {
                return true;
            }
        }
        return false;
    }

    static boolean hasTrue(JsonNode csr, String type) {
        for (JsonNode c : csr.path("status").path("conditions")) {
            if (c.path("type").asString("").equals(type) && c.path("status").asString("True").equals("True")) {
                return true;
            }
        }
        return false;
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field).deepCopy());
        } else {
            to.remove(field);
        }
    }

    private static AdmissionDenied invalid(AdmissionAttributes a, String field, String problem) {
        String message = "CertificateSigningRequest." + GROUP + " \"" + a.name() + "\" is invalid: " + field + ": " + problem;
        return new AdmissionDenied(422, "Invalid", message, a.name(), GROUP, "CertificateSigningRequest",
                List.of(field + ": " + problem));
    }
}
