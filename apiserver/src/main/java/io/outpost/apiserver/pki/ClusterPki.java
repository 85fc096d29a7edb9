package io.outpost.apiserver.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's certificates, kept in {@code DATA_DIR/tls}: the CA ({@code ca.crt}, {@code ca.key}),
 * the API server's serving certificate ({@code serving.*}) and the admin's client certificate
 * ({@code admin.*}, {@code CN=outpost-admin, O=system:masters}). Keys are files of mode 0600.
 *
 * <p>First start makes them all; a restart reuses them. A leaf certificate is made again when it
 * is missing, not signed by the CA, within {@link #RENEW_BEFORE} of expiry (as k3s renews), or,
 * for the serving certificate, when the wanted names changed (a new {@code --tls-san}). The CA is
 * never replaced silently: every client certificate hangs on it.
 *
 * <p>Thread model: called once at start, on the starting thread; the files are not shared with
 * another process while the data dir's datastore lock is held.
 */
public record ClusterPki(KeyAndCertificate ca, KeyAndCertificate serving, KeyAndCertificate admin) {

    public static final String ADMIN_USER = "outpost-admin";
    public static final String MASTERS = "system:masters";

    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration LEAF_VALIDITY = Duration.ofDays(365);
    static final Duration RENEW_BEFORE = Duration.ofDays(90);

    private static final Logger LOG = LoggerFactory.getLogger(ClusterPki.class);

    /**
     * The names a serving certificate always has, plus {@code extra}: localhost, 127.0.0.1, ::1,
     * the in-cluster names of the {@code kubernetes} service, and {@code hostname} if it is a
     * valid DNS name.
     */
    public static SortedSet<SubjectAltName> servingNames(String hostname, Collection<SubjectAltName> extra) {
        SortedSet<SubjectAltName> names = new TreeSet<>(extra);
        for (String dns : List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local")) {
            names.add(SubjectAltName.dns(dns));
        }
        names.add(SubjectAltName.parse("127.0.0.1"));
        names.add(SubjectAltName.parse("::1"));
        if (hostname != null && !hostname.isBlank()) {
            try {
                names.add(SubjectAltName.parse(hostname));
            } catch (IllegalArgumentException e) {
                LOG.warn("the host name '{}' is not a valid DNS name; it is left out of the serving certificate", hostname);
            }
        }
        return names;
    }

    /**
     * Loads the certificates from {@code dir}, making what is missing or stale.
     *
     * @param names the names the serving certificate must be valid for (see {@link #servingNames})
     * @throws IOException naming the file that cannot be read or written
     */
    public static ClusterPki loadOrCreate(Path dir, Set<SubjectAltName> names, Clock clock) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Instant now = clock.instant();
        KeyAndCertificate ca = loadCa(dir, now);
        KeyAndCertificate serving = load(dir, "serving", ca, now);
        if (serving == null || !names.equals(namesOf(serving.certificate()))) {
            serving = CertificateIssuer.serving(ca, "outpost-apiserver", names, now, LEAF_VALIDITY);
            store(dir, "serving", serving);
            LOG.info("made a serving certificate for {}", names);
        }
        KeyAndCertificate admin = load(dir, "admin", ca, now);
        if (admin == null) {
            admin = CertificateIssuer.client(ca, ADMIN_USER, List.of(MASTERS), now, LEAF_VALIDITY);
            store(dir, "admin", admin);
            LOG.info("made the admin client certificate ({}, group {})", ADMIN_USER, MASTERS);
        }
        return new ClusterPki(ca, serving, admin);
    }

    private static KeyAndCertificate loadCa(Path dir, Instant now) throws IOException {
        Path crt = dir.resolve("ca.crt");
        Path key = dir.resolve("ca.key");
        if (!Files.exists(crt) && !Files.exists(key)) {
            KeyAndCertificate ca = CertificateIssuer.selfSignedCa("outpost-ca@" + now.getEpochSecond(), now, CA_VALIDITY);
            store(dir, "ca", ca);
            LOG.info("made the cluster CA in {}", dir);
            return ca;
        }
        if (!Files.exists(crt) || !Files.exists(key)) {
            Path missing = Files.exists(crt) ? key : crt;
            throw new IOException(missing + " is missing: restore it from a backup, or remove " + dir
                    + " to make a new CA (every client certificate and kubeconfig must then be handed out again)");
        }
        KeyAndCertificate ca = new KeyAndCertificate(Pem.readPrivateKey(key), Pem.readCertificate(crt));
        if (ca.certificate().getNotAfter().toInstant().isBefore(now)) {
            LOG.warn("the cluster CA {} expired on {}; clients will refuse the server", crt, ca.certificate().getNotAfter());
        }
        return ca;
    }

    /** The certificate {@code name}.crt/.key, or null if it is missing or must be made again. */
    private static KeyAndCertificate load(Path dir, String name, KeyAndCertificate ca, Instant now) throws IOException {
        Path crt = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        if (!Files.exists(crt) || !Files.exists(key)) {
            return null;
        }
        KeyAndCertificate loaded = new KeyAndCertificate(Pem.readPrivateKey(key), Pem.readCertificate(crt));
        X509Certificate cert = loaded.certificate();
        try {
            cert.verify(ca.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            LOG.info("{} is not signed by the cluster CA; making it again", crt);
            return null;
        }
        if (!matches(loaded)) {
            LOG.info("{} does not belong to {}; making it again", key, crt);
            return null;
        }
        if (cert.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
            LOG.info("{} expires on {}; making it again", crt, cert.getNotAfter());
            return null;
        }
        return loaded;
    }

    private static void store(Path dir, String name, KeyAndCertificate kc) throws IOException {
        // The key first: a crash between the two leaves a new key with an old certificate, which
        // load() finds mismatched (matches()) and makes again.
        Pem.writePrivate(dir.resolve(name + ".key"), Pem.of(kc.key()));
        Pem.writePrivate(dir.resolve(name + ".crt"), Pem.of(kc.certificate()));
    }

    /** The DNS and IP names of a certificate. */
    static Set<SubjectAltName> namesOf(X509Certificate cert) {
        Set<SubjectAltName> names = new TreeSet<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return names;
            }
            for (List<?> san : sans) {
                int type = (Integer) san.getFirst();
                String value = (String) san.get(1);
                if (type == 2) {
                    names.add(SubjectAltName.dns(value));
                } else if (type == 7) {
                    names.add(SubjectAltName.parse(value));
                }
            }
        } catch (CertificateParsingException e) {
            return Set.of();
        }
        return names;
    }

    /** Whether {@code key} is the private half of the certificate's key: signs a probe and verifies it. */
    private static boolean matches(KeyAndCertificate kc) {
        try {
            byte[] probe = "outpost".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(kc.key());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(kc.certificate().getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
