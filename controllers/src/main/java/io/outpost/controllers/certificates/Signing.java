package io.outpost.controllers.certificates;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;

/**
 * What the signer does with a request (kube's {@code pkg/controller/certificates/signer}): only
 * approved, not failed, not yet issued requests to the signers it serves,
 * {@code kubernetes.io/kube-apiserver-client-kubelet} (node client certificates, which must pass
 * {@link NodeClientRules}) and {@code kubernetes.io/kube-apiserver-client} (client certificates
 * whose usages are among digital signature, key encipherment and client auth). A request that
 * breaks its signer's rules is marked Failed, reason {@code SignerValidationFailure}.
 *
 * <p>Validity, as kube's {@code PermissiveSigningPolicy} and {@code duration}: the requested
 * {@code expirationSeconds} capped to the signer's maximum (kube's
 * {@code --cluster-signing-duration}, one year) and raised to 10 minutes at least; not-before is
 * backdated 5 minutes for clocks a little behind, and not-after is also pulled back 5 minutes for
 * certificates of 8 hours or more (a short one keeps its whole requested life); never past the
 * CA's own expiry.
 */
sealed interface Signing {

    Duration BACKDATE = Duration.ofMinutes(5);
    Duration SHORT = Duration.ofHours(8);
    Duration MIN = BACKDATE.multipliedBy(2);
    Duration DEFAULT_MAX = Duration.ofDays(365);
    Set<String> CLIENT_USAGES = Set.of("digital signature", "key encipherment", "client auth");

    /** Nothing to do: not ours, not approved, or done. */
    record Skip() implements Signing {
    }

    /** Mark the request Failed. */
    record Fail(String reason, String message) implements Signing {
    }

    /** Issue a certificate. */
    record Sign(CsrRequest request, List<String> usages, Instant notBefore, Instant notAfter) implements Signing {
    }

    static Signing decide(CertificateSigningRequest csr, Instant now, Duration max, Instant caNotAfter) {
        String signer = Csrs.signer(csr);
        if (!signer.equals(NodeClientRules.KUBELET_CLIENT_SIGNER) && !signer.equals(NodeClientRules.API_CLIENT_SIGNER)
                || !Csrs.has(csr, "Approved") || Csrs.has(csr, "Denied") || Csrs.has(csr, "Failed") || Csrs.issued(csr)) {
            return new Skip();
        }
        Optional<CsrRequest> request = Csrs.request(csr);
        if (request.isEmpty()) {
            return new Fail("SignerValidationFailure", "the request is not a PEM CERTIFICATE REQUEST");
        }
        List<String> usages = Csrs.usages(csr);
        if (signer.equals(NodeClientRules.KUBELET_CLIENT_SIGNER)) {
            Optional<String> problem = NodeClientRules.problem(request.get(), usages);
            if (problem.isPresent()) {
                return new Fail("SignerValidationFailure", "invalid kubelet client certificate request: " + problem.get());
            }
        } else {
            for (String u : usages) {
                if (!CLIENT_USAGES.contains(u)) {
                    return new Fail("SignerValidationFailure", "invalid usage for client certificate: " + u);
                }
            }
            if (!usages.contains("client auth")) {
                return new Fail("SignerValidationFailure", "missing required usage for client certificate: client auth");
            }
        }
        Duration ttl = duration(max, Optional.ofNullable(csr.getSpec().getExpirationSeconds()));
        Instant notBefore = now.minus(BACKDATE);
        Instant notAfter = ttl.compareTo(SHORT) < 0 ? now.plus(ttl) : now.plus(ttl).minus(BACKDATE);
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        return new Sign(request.get(), usages, notBefore, notAfter);
    }

    /** kube's {@code duration(certTTL, expirationSeconds)}. */
    static Duration duration(Duration max, Optional<Integer> expirationSeconds) {
        if (expirationSeconds.isEmpty()) {
            return max;
        }
        Duration requested = Duration.ofSeconds(expirationSeconds.get());
        if (requested.compareTo(max) > 0) {
            return max;
        }
        return requested.compareTo(MIN) < 0 ? MIN : requested;
    }
}
