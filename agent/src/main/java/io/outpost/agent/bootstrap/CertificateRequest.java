package io.outpost.agent.bootstrap;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;

import javax.security.auth.x500.X500Principal;

/**
 * The DER of a PKCS#10 certificate request (RFC 2986) for an ECDSA P-256 key, signed with
 * SHA-256, with only the JDK.
 *
 * <p>Why not BouncyCastle, which the server uses to read these: the node makes one request at
 * join and one per renewal, and BouncyCastle was 8,100 of the 19,000 entries of the node's jar
 * (7 MB of its download; the JVM holds every entry of a jar on its class path in memory for the
 * process's life). The JDK has every part but the envelope: the subject's DER
 * ({@link X500Principal#getEncoded()}), the key's SubjectPublicKeyInfo
 * ({@link java.security.PublicKey#getEncoded()}) and a DER ECDSA signature ({@link Signature});
 * this class writes the three SEQUENCEs around them:
 * <pre>
 * CertificationRequest ::= SEQUENCE {
 *     certificationRequestInfo  SEQUENCE { version INTEGER (0), subject Name,
 *                                          subjectPKInfo SubjectPublicKeyInfo, attributes [0] SET {} },
 *     signatureAlgorithm        SEQUENCE { ecdsa-with-SHA256 },
 *     signature                 BIT STRING }
 * </pre>
 *
 * <p>Thread model: stateless.
 */
final class CertificateRequest {

    /** ecdsa-with-SHA256, 1.2.840.10045.4.3.2 (RFC 5758 section 3.2: no parameters). */
    private static final byte[] ECDSA_WITH_SHA256 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
    /** attributes [0] IMPLICIT SET OF Attribute, empty: kubelet's requests carry none. */
    private static final byte[] NO_ATTRIBUTES = {(byte) 0xa0, 0x00};
    private static final int SEQUENCE = 0x30;
    private static final int BIT_STRING = 0x03;

    private CertificateRequest() {
    }

    /**
     * The request of {@code subject} (e.g. {@code CN=system:node:edge1, O=system:nodes}, in
     * RFC 2253's order: the last RDN of the string comes first in the DER), signed by
     * {@code keys}, whose public key must be an EC key.
     */
    static byte[] der(X500Principal subject, KeyPair keys) throws GeneralSecurityException {
        if (!(keys.getPublic() instanceof ECPublicKey)) {
            throw new IllegalArgumentException("the node's key must be ECDSA, not " + keys.getPublic().getAlgorithm());
        }
        byte[] info = tlv(SEQUENCE, VERSION_0, subject.getEncoded(), keys.getPublic().getEncoded(), NO_ATTRIBUTES);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate());
        signer.update(info);
        byte[] signature = signer.sign();
        byte[] bits = new byte[signature.length + 1]; // leading octet: no unused bits
        System.arraycopy(signature, 0, bits, 1, signature.length);
        return tlv(SEQUENCE, info, tlv(SEQUENCE, ECDSA_WITH_SHA256), tlv(BIT_STRING, bits));
    }

    /** A DER tag-length-value whose value is the concatenation of {@code parts}. */
    private static byte[] tlv(int tag, byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int octets = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | octets);
            for (int i = octets - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
