package io.outpost.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An {@link SSLContext} for the admin over mTLS, from the PEM files the server keeps in
 * {@code DATA_DIR/tls}: {@code ca.crt} to trust, {@code admin.crt} and {@code admin.key} (PKCS#8,
 * unlike the kubeconfig's SEC1 copy, so the JDK reads it without BouncyCastle) to present.
 */
final class AdminTls {

    private AdminTls() {
    }

    static SSLContext context(Path tlsDir) throws IOException, GeneralSecurityException {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        Certificate ca;
        Certificate[] chain;
        try (InputStream in = Files.newInputStream(tlsDir.resolve("ca.crt"))) {
            ca = x509.generateCertificate(in);
        }
        try (InputStream in = Files.newInputStream(tlsDir.resolve("admin.crt"))) {
            chain = x509.generateCertificates(in).toArray(Certificate[]::new);
        }
        PrivateKey key = readPkcs8(tlsDir.resolve("admin.key"), chain[0].getPublicKey().getAlgorithm());

        char[] password = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("admin", key, password, chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);

        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static PrivateKey readPkcs8(Path file, String algorithm) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IOException(file + " is not a PKCS#8 key (BEGIN PRIVATE KEY)");
        }
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
