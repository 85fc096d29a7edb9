package io.outpost.apiserver.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;

/** PEM text for certificates and keys, and writing it to files only their owner may read. */
public final class Pem {

    private Pem() {
    }

    public static String of(X509Certificate certificate) {
        return write(certificate);
    }

    /** A key as PKCS#8 ({@code BEGIN PRIVATE KEY}), which Go's crypto/tls reads. */
    public static String of(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An EC key as SEC1 ({@code BEGIN EC PRIVATE KEY}) with its public key inside, as OpenSSL,
     * kubeadm and k3s write it into a kubeconfig. Java clients need this form: fabric8 guesses a
     * key's algorithm from the PEM header and takes {@code BEGIN PRIVATE KEY} (PKCS#8) for RSA,
     * and the official client's BouncyCastle reader needs the public key that the JDK's own
     * encoding leaves out. Go's crypto/tls reads every form.
     */
    public static String sec1(ECPrivateKey key, PublicKey publicKey) {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        SubjectPublicKeyInfo pub = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded());
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(key.getParams().getOrder().bitLength(), key.getS(),
                pub.getPublicKeyData(), info.getPrivateKeyAlgorithm().getParameters());
        try {
            return write(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Reads the first certificate in {@code file}.
     *
     * @throws IOException if it cannot be read or holds no certificate
     */
    public static X509Certificate readCertificate(Path file) throws IOException {
        Object object = readObject(file);
        if (!(object instanceof X509CertificateHolder holder)) {
            throw new IOException(file + " holds no PEM certificate");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a private key in PKCS#8 or the older SEC1/PKCS#1 form. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        Object object = readObject(file);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        if (object instanceof PrivateKeyInfo info) {
            return converter.getPrivateKey(info);
        }
        if (object instanceof PEMKeyPair pair) {
            return converter.getKeyPair(pair).getPrivate();
        }
        throw new IOException(file + " holds no PEM private key");
    }

    private static Object readObject(Path file) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
            return parser.readObject();
        }
    }

    /**
     * Writes {@code text} to {@code file} with mode 0600, atomically: a reader sees the old file or
     * the whole new one, and a crash never leaves half a key.
     */
    public static void writePrivate(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
