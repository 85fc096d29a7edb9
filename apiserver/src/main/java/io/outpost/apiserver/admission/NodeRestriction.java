package io.outpost.apiserver.admission;

import java.util.List;
import java.util.Optional;

import io.outpost.apiserver.auth.NodeAuthorizer;

/**
 * kube's NodeRestriction admission ({@code plugin/pkg/admission/noderestriction}), for what the
 * node authorizer cannot see because the name is in the body, not the URL: a node
 * ({@code system:node:<name>} in {@code system:nodes}) may create or change only the Node of its
 * own name, and only its own Lease in {@code kube-node-lease}. Other users pass untouched.
 *
 * <p>Thread model: stateless; any request thread.
 */
public final class NodeRestriction implements ValidatingPlugin {

    @Override
    public String name() {
        return "NodeRestriction";
    }

    @Override
    public void validate(AdmissionAttributes a, List<String> warnings) {
        Optional<String> node = NodeAuthorizer.nodeName(a.user());
        if (node.isEmpty() || a.operation() == Operation.DELETE && a.object() == null && a.oldObject() == null) {
            return;
        }
        String requested = !a.name().isEmpty() ? a.name()
                : a.object() != null ? a.object().path("metadata").path("name").asString("") : "";
        if (a.group().isEmpty() && a.resource().equals("nodes") && !requested.equals(node.get())) {
            throw AdmissionDenied.forbidden(a, "", "node \"" + node.get() + "\" is not allowed to modify node \"" + requested + "\"");
        }
        if (a.group().equals("coordination.k8s.io") && a.resource().equals("leases")) {
            if (!a.namespace().equals("kube-node-lease")) {
                throw AdmissionDenied.forbidden(a, "", "can only access leases in the \"kube-node-lease\" namespace");
            }
            if (!requested.equals(node.get())) {
                throw AdmissionDenied.forbidden(a, "", "can only access node lease with the same name as the requesting node");
            }
        }
    }
}
