package io.outpost.agent.bootstrap;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA and node certificates for tests that need no server. */
record TestPki(KeyPair caKeys, X509Certificate ca) {

    static TestPki create() {
        KeyPair keys = NodeCertificates.newKey();
        return new TestPki(keys, certificate(new X500Name("CN=test-ca"), new X500Name("CN=test-ca"), keys, keys,
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2036-01-01T00:00:00Z"), true));
    }

    NodeIdentity node(String certName, String identityName, Instant notBefore, Instant notAfter) {
        KeyPair keys = NodeCertificates.newKey();
        X509Certificate cert = certificate(new X500Name("CN=test-ca"), new X500Name("O=system:nodes,CN=system:node:" + certName),
                keys, caKeys, notBefore, notAfter, false);
        return new NodeIdentity(identityName, keys.getPrivate(), java.util.List.of(cert), ca);
    }

    private static X509Certificate certificate(X500Name issuer, X500Name subject, KeyPair subjectKeys, KeyPair signer,
                                               Instant notBefore, Instant notAfter, boolean isCa) {
        try {
            var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()), Date.from(notBefore),
                    Date.from(notAfter), subject, subjectKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
