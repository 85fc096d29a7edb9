package io.outpost.controllers.certificates;

import java.util.Base64;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;

/** Reading a CertificateSigningRequest's parts, null-safe. */
final class Csrs {

    private Csrs() {
    }

    static String signer(CertificateSigningRequest csr) {
        return csr.getSpec() == null || csr.getSpec().getSignerName() == null ? "" : csr.getSpec().getSignerName();
    }

    static List<String> usages(CertificateSigningRequest csr) {
        return csr.getSpec() == null || csr.getSpec().getUsages() == null ? List.of() : csr.getSpec().getUsages();
    }

    static List<String> groups(CertificateSigningRequest csr) {
        return csr.getSpec() == null || csr.getSpec().getGroups() == null ? List.of() : csr.getSpec().getGroups();
    }

    static String username(CertificateSigningRequest csr) {
        return csr.getSpec() == null || csr.getSpec().getUsername() == null ? "" : csr.getSpec().getUsername();
    }

    /** The request's PEM bytes ({@code spec.request} is base64 in JSON). */
    static Optional<CsrRequest> request(CertificateSigningRequest csr) {
        if (csr.getSpec() == null || csr.getSpec().getRequest() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(CsrRequest.parse(Base64.getDecoder().decode(csr.getSpec().getRequest())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether a condition of {@code type} is there and True (kube's {@code GetCertApprovalCondition}). */
    static boolean has(CertificateSigningRequest csr, String type) {
        return conditions(csr).stream().anyMatch(c -> type.equals(c.getType())
                && (c.getStatus() == null || c.getStatus().isEmpty() || c.getStatus().equals("True")));
    }

    static List<CertificateSigningRequestCondition> conditions(CertificateSigningRequest csr) {
        return csr.getStatus() == null || csr.getStatus().getConditions() == null ? List.of() : csr.getStatus().getConditions();
    }

    static boolean issued(CertificateSigningRequest csr) {
        return csr.getStatus() != null && csr.getStatus().getCertificate() != null && !csr.getStatus().getCertificate().isEmpty();
    }
}
