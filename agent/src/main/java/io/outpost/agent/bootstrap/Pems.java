package io.outpost.agent.bootstrap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM text of the agent's certificates and key, and files only their owner may read.
 *
 * <p>Only the JDK: the agent reads its key and certificates at every start, and BouncyCastle's
 * PEM classes would stay loaded for the agent's life (measured: about 200 classes). BouncyCastle
 * is not in the agent at all: requests are written by {@link CertificateRequest}.
 * Keys are written as PKCS#8 ({@code PRIVATE KEY}), as before, so existing data dirs read back.
 */
final class Pems {

    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final Base64.Encoder LINES = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Pems() {
    }

    /** One PEM block: {@code type} is e.g. {@code CERTIFICATE} or {@code CERTIFICATE REQUEST}. */
    static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + LINES.encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** The key as PKCS#8 PEM. */
    static String of(PrivateKey key) {
        return encode("PRIVATE KEY", key.getEncoded());
    }

    static String of(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new UncheckedIOException(new IOException("a certificate cannot be encoded", e));
        }
    }

    static String of(List<X509Certificate> chain) {
        StringBuilder s = new StringBuilder();
        chain.forEach(c -> s.append(of(c)));
        return s.toString();
    }

    /**
     * Every certificate in {@code text}, in order.
     *
     * @throws IOException if there is none, or one cannot be read
     */
    static List<X509Certificate> certificates(String text) throws IOException {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Certificate c : factory.generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)))) {
                if (c instanceof X509Certificate x509) {
                    certs.add(x509);
                }
            }
        } catch (CertificateException e) {
            throw new IOException("a certificate cannot be read: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IOException("no PEM certificate found");
        }
        return certs;
    }

    /**
     * The PKCS#8 key in {@code text} (EC, as the agent makes, or RSA).
     *
     * @throws IOException if there is none or it cannot be read
     */
    static PrivateKey privateKey(String text) throws IOException {
        Matcher m = PRIVATE_KEY.matcher(text);
        if (!m.find()) {
            throw new IOException("no PEM private key found (expected a PKCS#8 'BEGIN PRIVATE KEY' block)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new IOException("the PEM private key is not valid base64: " + e.getMessage(), e);
        }
        GeneralSecurityException last = null;
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new IOException("the PEM private key is neither EC nor RSA PKCS#8: " + last.getMessage(), last);
    }

    /** Writes {@code text} with mode 0600, atomically: a crash never leaves half a key. */
    static void writePrivate(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
