package io.outpost.controllers.certificates;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;

/** CertificateSigningRequests for the approver's and signer's tables. */
final class TestCsrs {

    static final String KUBELET = "kubernetes.io/kube-apiserver-client-kubelet";
    static final String CLIENT = "kubernetes.io/kube-apiserver-client";
    static final List<String> NODE_USAGES = List.of("digital signature", "client auth");

    private TestCsrs() {
    }

    static String request(List<String> orgs, String cn) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = g.generateKeyPair();
            X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
            orgs.forEach(o -> name.addRDN(BCStyle.O, o));
            name.addRDN(BCStyle.CN, cn);
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
                w.writeObject(new JcaPKCS10CertificationRequestBuilder(name.build(), keys.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            }
            return Base64.getEncoder().encodeToString(pem.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final String NODE_A = request(List.of("system:nodes"), "system:node:a");

    /** A request from {@code user} in {@code groups}, with the given conditions ("Approved", "Denied", "Failed"). */
    static CertificateSigningRequest csr(String signer, String request, List<String> usages, String user, List<String> groups,
                                         Integer expirationSeconds, String... conditions) {
        List<CertificateSigningRequestCondition> cs = new ArrayList<>();
        for (String c : conditions) {
            cs.add(new CertificateSigningRequestConditionBuilder().withType(c).withStatus("True").build());
        }
        return new CertificateSigningRequestBuilder().withNewMetadata().withName("csr").endMetadata()
                .withNewSpec().withSignerName(signer).withRequest(request).withUsages(usages).withUsername(user)
                .withGroups(groups).withExpirationSeconds(expirationSeconds).endSpec()
                .withNewStatus().withConditions(cs).endStatus().build();
    }
}
