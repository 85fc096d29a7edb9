package io.outpost.apiserver.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes ECDSA P-256 keys and the certificates of a cluster: a self-signed CA, serving
 * certificates and client certificates signed by it. Not-before is backdated an hour, as
 * client-go's cert helpers do, to tolerate clocks that are a little behind.
 */
public final class CertificateIssuer {

    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateIssuer() {
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make P-256 keys", e);
        }
    }

    /** A self-signed CA, {@code CN=commonName}, that may sign certificates but no further CAs. */
    public static KeyAndCertificate selfSignedCa(String commonName, Instant now, Duration validity) {
        KeyPair pair = newKeyPair();
        X500Name subject = name(commonName, List.of());
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(subject, subject, pair, now, validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new KeyAndCertificate(pair.getPrivate(), sign(builder, pair.getPrivate()));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot make the CA certificate", e);
        }
    }

    /** A serving certificate for {@code names}, signed by {@code ca}. */
    public static KeyAndCertificate serving(KeyAndCertificate ca, String commonName, Collection<SubjectAltName> names,
                                            Instant now, Duration validity) {
        GeneralName[] san = names.stream()
                .map(n -> n.ip() ? new GeneralName(GeneralName.iPAddress, n.value()) : new GeneralName(GeneralName.dNSName, n.value()))
                .toArray(GeneralName[]::new);
        return leaf(ca, name(commonName, List.of()), KeyPurposeId.id_kp_serverAuth, new GeneralNames(san), now, validity);
    }

    /** A client certificate: Kubernetes reads CN as the user name and each O as a group. */
    public static KeyAndCertificate client(KeyAndCertificate ca, String user, List<String> groups, Instant now, Duration validity) {
        return leaf(ca, name(user, groups), KeyPurposeId.id_kp_clientAuth, null, now, validity);
    }

    private static KeyAndCertificate leaf(KeyAndCertificate ca, X500Name subject, KeyPurposeId purpose, GeneralNames san,
                                          Instant now, Duration validity) {
        KeyPair pair = newKeyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = builder(issuer, subject, pair, now, validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
            if (san != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, san);
            }
            return new KeyAndCertificate(pair.getPrivate(), sign(builder, ca.key()));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot make a certificate for " + subject, e);
        }
    }

    /**
     * A certificate for a CertificateSigningRequest's subject and public key, signed by {@code ca},
     * with the Kubernetes {@code usages} turned into key usage and extended key usage as kube's
     * {@code keyUsagesFromStrings} does; an unknown usage is refused.
     *
     * @throws IllegalArgumentException naming an unknown usage
     */
    public static X509Certificate signRequest(KeyAndCertificate ca, X500Name subject, SubjectPublicKeyInfo publicKey,
                                              List<String> usages, Instant notBefore, Instant notAfter) {
        int keyUsage = 0;
        List<KeyPurposeId> purposes = new java.util.ArrayList<>();
        for (String usage : usages) {
            switch (usage) {
                case "signing", "digital signature" -> keyUsage |= KeyUsage.digitalSignature;
                case "content commitment" -> keyUsage |= KeyUsage.nonRepudiation;
                case "key encipherment" -> keyUsage |= KeyUsage.keyEncipherment;
                case "key agreement" -> keyUsage |= KeyUsage.keyAgreement;
                case "data encipherment" -> keyUsage |= KeyUsage.dataEncipherment;
                case "cert sign" -> keyUsage |= KeyUsage.keyCertSign;
                case "crl sign" -> keyUsage |= KeyUsage.cRLSign;
                case "encipher only" -> keyUsage |= KeyUsage.encipherOnly;
                case "decipher only" -> keyUsage |= KeyUsage.decipherOnly;
                case "any" -> purposes.add(KeyPurposeId.anyExtendedKeyUsage);
                case "server auth" -> purposes.add(KeyPurposeId.id_kp_serverAuth);
                case "client auth" -> purposes.add(KeyPurposeId.id_kp_clientAuth);
                case "code signing" -> purposes.add(KeyPurposeId.id_kp_codeSigning);
                case "email protection", "s/mime" -> purposes.add(KeyPurposeId.id_kp_emailProtection);
                case "ipsec end system" -> purposes.add(KeyPurposeId.id_kp_ipsecEndSystem);
                case "ipsec tunnel" -> purposes.add(KeyPurposeId.id_kp_ipsecTunnel);
                case "ipsec user" -> purposes.add(KeyPurposeId.id_kp_ipsecUser);
                case "timestamping" -> purposes.add(KeyPurposeId.id_kp_timeStamping);
                case "ocsp signing" -> purposes.add(KeyPurposeId.id_kp_OCSPSigning);
                case "microsoft sgc" -> purposes.add(KeyPurposeId.getInstance(
                        new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.6.1.4.1.311.10.3.3")));
                case "netscape sgc" -> purposes.add(KeyPurposeId.getInstance(
                        new org.bouncycastle.asn1.ASN1ObjectIdentifier("2.16.840.1.113730.4.1")));
                default -> throw new IllegalArgumentException("unknown key usage: " + usage);
            }
        }
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
            BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuer, serial, Date.from(notBefore),
                    Date.from(notAfter), subject, publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
            if (keyUsage != 0) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            }
            if (!purposes.isEmpty()) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
            }
            return sign(builder, ca.key());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot sign a certificate for " + subject, e);
        }
    }

    private static X500Name name(String commonName, List<String> organizations) {
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        for (String o : organizations) {
            name.addRDN(BCStyle.O, o);
        }
        return name.addRDN(BCStyle.CN, commonName).build();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys,
                                                    Instant now, Duration validity) {
        BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)), Date.from(now.plus(validity)),
                subject, subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
