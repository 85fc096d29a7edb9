package io.outpost.agent.bootstrap;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA, node certificates and servers' TLS contexts for tests that need no cluster. */
public record TestPki(KeyPair caKeys, X509Certificate ca) {

    public static TestPki create() {
        KeyPair keys = NodeCertificates.newKey();
        return new TestPki(keys, certificate(new X500Name("CN=test-ca"), new X500Name("CN=test-ca"), keys, keys,
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2036-01-01T00:00:00Z"), true));
    }

    public NodeIdentity node(String certName, String identityName, Instant notBefore, Instant notAfter) {
        KeyPair keys = NodeCertificates.newKey();
        X509Certificate cert = certificate(new X500Name("CN=test-ca"), new X500Name("O=system:nodes,CN=system:node:" + certName),
                keys, caKeys, notBefore, notAfter, false);
        return new NodeIdentity(identityName, keys.getPrivate(), java.util.List.of(cert), ca);
    }

    /**
     * A server's TLS context whose certificate, signed by this CA, names only {@code names}
     * (DNS names, or IP addresses written as such): for tests of the clients' host name checks.
     */
    public SSLContext server(String... names) {
        KeyPair keys = NodeCertificates.newKey();
        Instant now = Instant.now();
        GeneralName[] alt = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            alt[i] = new GeneralName(names[i].matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
        }
        X509Certificate cert = certificate(new X500Name("CN=test-ca"), new X500Name("CN=" + names[0]), keys, caKeys,
                now.minusSeconds(3600), now.plusSeconds(86_400), false, new GeneralNames(alt));
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", keys.getPrivate(), new char[0], new X509Certificate[] {cert, ca});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate certificate(X500Name issuer, X500Name subject, KeyPair subjectKeys, KeyPair signer,
                                               Instant notBefore, Instant notAfter, boolean isCa) {
        return certificate(issuer, subject, subjectKeys, signer, notBefore, notAfter, isCa, null);
    }

    private static X509Certificate certificate(X500Name issuer, X500Name subject, KeyPair subjectKeys, KeyPair signer,
                                               Instant notBefore, Instant notAfter, boolean isCa, GeneralNames altNames) {
        try {
            var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()), Date.from(notBefore),
                    Date.from(notAfter), subject, subjectKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (altNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
