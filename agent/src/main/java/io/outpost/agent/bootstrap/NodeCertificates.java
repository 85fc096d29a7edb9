package io.outpost.agent.bootstrap;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;


/**
 * The node's key, its certificate request, and what makes a node certificate usable. The subject
 * is kubelet's ({@code pkg/kubelet/certificate/kubelet.go}): {@code O=system:nodes},
 * {@code CN=system:node:<name>}.
 */
final class NodeCertificates {

    static final String NODES_GROUP = "system:nodes";
    static final String NODE_PREFIX = "system:node:";

    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeCertificates() {
    }

    /** A new ECDSA P-256 key, as kubelet makes. */
    static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make P-256 keys", e);
        }
    }

    /**
     * The PEM of a PKCS#10 request for {@code nodeName}, signed by {@code keys}: subject
     * {@code O=system:nodes, CN=system:node:NAME} in that order, as kubelet's. The name is a
     * DNS-1123 subdomain (checked with the flags), so it needs no escaping in the DN string.
     */
    static String request(String nodeName, KeyPair keys) {
        X500Principal subject = new X500Principal("CN=" + NODE_PREFIX + nodeName + ", O=" + NODES_GROUP);
        try {
            return Pems.encode("CERTIFICATE REQUEST", CertificateRequest.der(subject, keys));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a certificate request", e);
        }
    }

    /**
     * Why {@code identity} cannot be used at {@code now}, or null if it can: its certificate must
     * be signed by its CA, be valid now, name the node, and belong to its key.
     */
    static String problem(NodeIdentity identity, Instant now) {
        if (!IdentityFiles.validAt(identity.certificate(), identity.ca(), now)) {
            return "not signed by the cluster CA, or outside its validity (" + identity.notBefore() + " to "
                    + identity.notAfter() + ")";
        }
        String cn = commonName(identity);
        if (!(NODE_PREFIX + identity.nodeName()).equals(cn)) {
            return "it is for " + cn + ", not " + NODE_PREFIX + identity.nodeName();
        }
        if (!matches(identity.key(), identity)) {
            return "the key does not belong to the certificate";
        }
        return null;
    }

    static String commonName(NodeIdentity identity) {
        try {
            for (Rdn rdn : new LdapName(identity.certificate().getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return "";
        }
        return "";
    }

    private static boolean matches(PrivateKey key, NodeIdentity identity) {
        try {
            byte[] probe = {1, 2, 3};
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(identity.certificate().getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
