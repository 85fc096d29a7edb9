package io.outpost.controllers.certificates;

import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;

/**
 * When a CertificateSigningRequest has served its purpose and may be deleted, as kube's
 * csrcleaner ({@code pkg/controller/certificates/cleaner/cleaner.go}) decides: an approved
 * request one hour after its approval (its requester has collected the certificate by then), a
 * denied or failed one an hour after that decision, a pending one 24 hours after it was made,
 * and any request whose certificate has expired. Without it every renewal of every node would
 * leave one object behind for ever.
 */
final class Cleanup {

    static final Duration APPROVED = Duration.ofHours(1);
    static final Duration DENIED = Duration.ofHours(1);
    static final Duration FAILED = Duration.ofHours(1);
    static final Duration PENDING = Duration.ofHours(24);

    private Cleanup() {
    }

    /** When {@code csr} is to be deleted; empty if its times cannot be read (it is then kept). */
    static Optional<Instant> deadline(CertificateSigningRequest csr) {
        Optional<Instant> deadline = Optional.empty();
        for (CertificateSigningRequestCondition c : Csrs.conditions(csr)) {
            Duration keep = switch (String.valueOf(c.getType())) {
                case "Approved" -> APPROVED;
                case "Denied" -> DENIED;
                case "Failed" -> FAILED;
                default -> null;
            };
            if (keep == null) {
                continue;
            }
            Optional<Instant> at = time(c.getLastUpdateTime()).or(() -> time(c.getLastTransitionTime()))
                    .or(() -> time(csr.getMetadata().getCreationTimestamp())).map(t -> t.plus(keep));
            deadline = earliest(deadline, at);
        }
        if (Csrs.conditions(csr).stream().noneMatch(c -> c.getType() != null && c.getType().matches("Approved|Denied|Failed"))) {
            deadline = earliest(deadline, time(csr.getMetadata().getCreationTimestamp()).map(t -> t.plus(PENDING)));
        }
        if (Csrs.issued(csr)) {
            deadline = earliest(deadline, certificateNotAfter(csr.getStatus().getCertificate()));
        }
        return deadline;
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        return Optional.of(a.get().isBefore(b.get()) ? a.get() : b.get());
    }

    private static Optional<Instant> time(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> certificateNotAfter(String base64) {
        try {
            byte[] pem = Base64.getDecoder().decode(base64);
            // The JDK reads a PEM certificate (the first of a chain) as well as DER.
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(pem));
            return Optional.of(cert.getNotAfter().toInstant());
        } catch (IllegalArgumentException | CertificateException e) {
            return Optional.empty();
        }
    }
}
