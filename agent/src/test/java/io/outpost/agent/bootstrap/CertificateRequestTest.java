package io.outpost.agent.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/** The agent's own PKCS#10 writer, read back with BouncyCastle as the server reads it. */
class CertificateRequestTest {

    private static PKCS10CertificationRequest parse(String pem) throws Exception {
        String body = pem.replaceAll("-----(BEGIN|END) CERTIFICATE REQUEST-----", "").replaceAll("\\s", "");
        return new PKCS10CertificationRequest(Base64.getDecoder().decode(body));
    }

    @Test
    void aNodesRequestIsSignedByItsKeyAndNamesTheNodeAsKubeletDoes() throws Exception {
        KeyPair keys = NodeCertificates.newKey();

        PKCS10CertificationRequest csr = parse(NodeCertificates.request("edge-1.store-042", keys));

        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))).isTrue();
        assertThat(csr.getSignatureAlgorithm().getAlgorithm()).isEqualTo(X9ObjectIdentifiers.ecdsa_with_SHA256);
        assertThat(csr.getSignatureAlgorithm().getParameters()).isNull();
        assertThat(csr.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
        RDN[] rdns = csr.getSubject().getRDNs();
        assertThat(rdns).hasSize(2);
        assertThat(rdns[0].getFirst().getType()).isEqualTo(BCStyle.O);
        assertThat(IETFUtils.valueToString(rdns[0].getFirst().getValue())).isEqualTo("system:nodes");
        assertThat(rdns[1].getFirst().getType()).isEqualTo(BCStyle.CN);
        assertThat(IETFUtils.valueToString(rdns[1].getFirst().getValue())).isEqualTo("system:node:edge-1.store-042");
        assertThat(csr.getAttributes()).isEmpty();
        assertThat(csr.toASN1Structure().getCertificationRequestInfo().getVersion().intValueExact()).isZero();
    }

    @Test
    void aLongSubjectUsesTheLongFormOfEveryLength() throws Exception {
        String name = "n".repeat(63) + "." + "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(61);

        PKCS10CertificationRequest csr = parse(NodeCertificates.request(name, NodeCertificates.newKey()));

        assertThat(csr.getEncoded().length).isGreaterThan(256);
        assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))).isTrue();
        assertThat(IETFUtils.valueToString(csr.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue()))
                .isEqualTo("system:node:" + name);
        ASN1Set unused = csr.toASN1Structure().getCertificationRequestInfo().getAttributes();
        assertThat(unused == null || unused.size() == 0).isTrue();
    }

    @Test
    void aKeyThatIsNotEcdsaIsRefused() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);

        assertThatThrownBy(() -> CertificateRequest.der(new javax.security.auth.x500.X500Principal("CN=x"), rsa.generateKeyPair()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be ECDSA, not RSA");
    }
}
