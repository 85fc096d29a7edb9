package io.outpost.controllers.certificates;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;

/**
 * What the approver does with a request (kube's {@code pkg/controller/certificates/approver/sarapprove.go}):
 * it approves node client certificates only, signer {@code kubernetes.io/kube-apiserver-client-kubelet}
 * with a request that {@link NodeClientRules} accepts, when
 * <ul>
 * <li>the requester is a bootstrapper ({@code system:bootstrappers}, a join token): kube's
 *     {@code nodeclient} recognizer, which kubeadm and k3s grant to that group;
 * <li>or the requester is the node itself, renewing: {@code spec.username} equals the request's
 *     CN and is in {@code system:nodes} (kube's {@code selfnodeclient}).
 * </ul>
 * kube asks a SubjectAccessReview for those two permissions; Outpost has no RBAC yet and checks
 * the groups they are bound to by default. Anything else waits for a person
 * ({@code kubectl certificate approve|deny}); a request already approved or denied is left alone.
 *
 * @param reason  the Approved condition's reason
 * @param message its message
 */
record Approval(String reason, String message) {

    static final String BOOTSTRAPPERS = "system:bootstrappers";

    /** The approval of {@code csr}, or empty when it is not for this approver to approve. */
    static Optional<Approval> decide(CertificateSigningRequest csr) {
        if (!NodeClientRules.KUBELET_CLIENT_SIGNER.equals(Csrs.signer(csr)) || Csrs.has(csr, "Approved")
                || Csrs.has(csr, "Denied")) {
            return Optional.empty();
        }
        Optional<CsrRequest> request = Csrs.request(csr);
        if (request.isEmpty() || NodeClientRules.problem(request.get(), Csrs.usages(csr)).isPresent()) {
            return Optional.empty();
        }
        if (Csrs.username(csr).equals(request.get().commonName()) && Csrs.groups(csr).contains(NodeClientRules.NODES_GROUP)) {
            return Optional.of(new Approval("AutoApproved", "Auto approving self kubelet client certificate after SubjectAccessReview."));
        }
        if (Csrs.groups(csr).contains(BOOTSTRAPPERS)) {
            return Optional.of(new Approval("AutoApproved", "Auto approving kubelet client certificate after SubjectAccessReview."));
        }
        return Optional.empty();
    }
}
