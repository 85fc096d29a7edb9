package io.outpost.controllers.certificates;

import java.time.Instant;
import java.util.List;

/**
 * The cluster CA, as the signing controller needs it: the holder of the CA key (the server
 * process, with its {@code ClusterPki}) implements this, so that the key never travels over the
 * API. The controller decides what may be signed and for how long; this only issues.
 *
 * <p>Thread model: called from the signing controller's workers, several at once; thread-safe.
 */
public interface CsrSigner {

    /**
     * A certificate for the request's subject and public key, signed by the cluster CA.
     *
     * @param request   the PKCS#10 request, as {@link CsrRequest#parse} read it
     * @param usages    Kubernetes key usages ({@code digital signature}, {@code client auth}, ...)
     * @param notBefore the start of its validity
     * @param notAfter  the end of its validity, not after {@link #caNotAfter()}
     * @return the PEM of the certificate (and any intermediates), leaf first
     */
    String sign(CsrRequest request, List<String> usages, Instant notBefore, Instant notAfter);

    /** When the CA itself expires: no certificate may outlive it. */
    Instant caNotAfter();

    /** The CA certificate's PEM, which the root CA publisher puts in every namespace's {@code kube-root-ca.crt}. */
    String caBundle();
}
