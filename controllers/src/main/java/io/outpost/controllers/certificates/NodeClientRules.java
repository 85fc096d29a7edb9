package io.outpost.controllers.certificates;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * kube's {@code ValidateKubeletClientCSR} ({@code pkg/apis/certificates/v1/helpers.go}): what a
 * request to the signer {@code kubernetes.io/kube-apiserver-client-kubelet} must be. Both the
 * approver (to recognise a node client certificate) and the signer (to refuse anything else)
 * ask it.
 */
final class NodeClientRules {

    static final String KUBELET_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";
    static final String API_CLIENT_SIGNER = "kubernetes.io/kube-apiserver-client";
    static final String NODES_GROUP = "system:nodes";
    static final String NODE_PREFIX = "system:node:";

    private static final Set<String> USAGES = Set.of("digital signature", "client auth");
    private static final Set<String> USAGES_RSA = Set.of("digital signature", "key encipherment", "client auth");

    private NodeClientRules() {
    }

    /** Why the request is not a node client certificate request, or empty if it is. */
    static Optional<String> problem(CsrRequest request, List<String> usages) {
        if (!request.organizations().equals(List.of(NODES_GROUP))) {
            return Optional.of("subject organization is not system:nodes");
        }
        if (!request.commonName().startsWith(NODE_PREFIX) || request.commonName().length() == NODE_PREFIX.length()) {
            return Optional.of("subject common name does not begin with system:node:");
        }
        if (request.hasAltNames()) {
            return Optional.of("DNS, email, IP and URI subjectAltNames are not allowed");
        }
        Set<String> u = new HashSet<>(usages);
        if (!u.equals(USAGES) && !u.equals(USAGES_RSA)) {
            return Optional.of("usages did not match [digital signature client auth] or [digital signature key encipherment client auth]");
        }
        return Optional.empty();
    }
}
