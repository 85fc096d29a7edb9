package io.outpost.agent.bootstrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity on disk, in {@code DATA/pki}: {@code ca.crt} (the pinned cluster CA bundle, byte
 * for byte as {@code /cacerts} answered it), {@code node.key} and {@code node.crt} (mode 0600).
 * Written key first, then certificate: after a crash between the two the key does not match the
 * certificate, {@link #load} refuses the pair and the node joins again.
 *
 * <p>Thread model: called by {@link Bootstrap#join} and the {@link CertificateRotator}'s thread,
 * never both at once for one data dir (the agent holds its data dir alone).
 */
final class IdentityFiles {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityFiles.class);

    private final Path dir;

    IdentityFiles(Path dir) {
        this.dir = dir;
    }

    Path caFile() {
        return dir.resolve("ca.crt");
    }

    /**
     * The stored identity of {@code nodeName}, if it is whole, signed by the stored CA, for that
     * node, and valid at {@code now}; empty (with the reason logged) otherwise.
     */
    Optional<NodeIdentity> load(String nodeName, Instant now) {
        Path key = dir.resolve("node.key");
        Path crt = dir.resolve("node.crt");
        if (!Files.exists(key) || !Files.exists(crt) || !Files.exists(caFile())) {
            return Optional.empty();
        }
        try {
            X509Certificate ca = Pems.certificates(Files.readString(caFile(), StandardCharsets.US_ASCII)).getFirst();
            List<X509Certificate> chain = Pems.certificates(Files.readString(crt, StandardCharsets.US_ASCII));
            NodeIdentity identity = new NodeIdentity(nodeName, Pems.privateKey(Files.readString(key, StandardCharsets.US_ASCII)),
                    chain, ca);
            String problem = NodeCertificates.problem(identity, now);
            if (problem != null) {
                LOG.info("the stored node certificate {} is not usable ({}); joining again", crt, problem);
                return Optional.empty();
            }
            return Optional.of(identity);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the node identity in {} ({}); joining again", dir, e.getMessage());
            return Optional.empty();
        }
    }

    /** The stored CA bundle's text, if any. */
    Optional<String> caBundle() throws IOException {
        return Files.exists(caFile()) ? Optional.of(Files.readString(caFile(), StandardCharsets.US_ASCII)) : Optional.empty();
    }

    void storeCa(String bundle) throws IOException {
        ensureDir();
        Pems.writePrivate(caFile(), bundle);
    }

    void store(NodeIdentity identity) throws IOException {
        ensureDir();
        Pems.writePrivate(dir.resolve("node.key"), Pems.of(identity.key()));
        Pems.writePrivate(dir.resolve("node.crt"), Pems.of(identity.chain()));
    }

    private void ensureDir() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** Whether the certificate verifies against {@code ca} and is within its validity at {@code now}. */
    static boolean validAt(X509Certificate cert, X509Certificate ca, Instant now) {
        try {
            cert.verify(ca.getPublicKey());
            cert.checkValidity(Date.from(now));
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
