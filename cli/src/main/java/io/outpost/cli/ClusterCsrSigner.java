package io.outpost.cli;

import java.time.Instant;
import java.util.List;

import io.outpost.apiserver.pki.CertificateIssuer;
import io.outpost.apiserver.pki.KeyAndCertificate;
import io.outpost.apiserver.pki.Pem;
import io.outpost.controllers.certificates.CsrRequest;
import io.outpost.controllers.certificates.CsrSigner;

/**
 * The CSR signing controller's signer in {@code outpost server}: the cluster CA of
 * {@code DATA/tls}, whose key stays in this process. Immutable; thread-safe.
 */
final class ClusterCsrSigner implements CsrSigner {

    private final KeyAndCertificate ca;

    ClusterCsrSigner(KeyAndCertificate ca) {
        this.ca = ca;
    }

    @Override
    public String sign(CsrRequest request, List<String> usages, Instant notBefore, Instant notAfter) {
        return Pem.of(CertificateIssuer.signRequest(ca, request.pkcs10().getSubject(), request.pkcs10().getSubjectPublicKeyInfo(),
                usages, notBefore, notAfter));
    }

    @Override
    public Instant caNotAfter() {
        return ca.certificate().getNotAfter().toInstant();
    }

    @Override
    public String caBundle() {
        return Pem.of(ca.certificate());
    }
}
