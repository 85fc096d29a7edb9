package io.outpost.apiserver.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A certificate and its private key. */
public record KeyAndCertificate(PrivateKey key, X509Certificate certificate) {

    public KeyAndCertificate {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
    }
}
