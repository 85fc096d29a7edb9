package io.outpost.apiserver.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.apiserver.pki.CertificateIssuer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** CertificateSigningRequests as kube's validation and its kubelet client rules judge them. */
class CertificateSigningRequestValidationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final CertificateSigningRequestValidation STRATEGY = new CertificateSigningRequestValidation();
    private static final String KUBELET = "kubernetes.io/kube-apiserver-client-kubelet";

    static String request(List<String> orgs, String cn, boolean withDnsName) {
        try {
            KeyPair keys = CertificateIssuer.newKeyPair();
            X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
            orgs.forEach(o -> name.addRDN(BCStyle.O, o));
            name.addRDN(BCStyle.CN, cn);
            PKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(name.build(), keys.getPublic());
            if (withDnsName) {
                ExtensionsGenerator ext = new ExtensionsGenerator();
                ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, "evil.example")));
                b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
            }
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
                w.writeObject(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            }
            return Base64.getEncoder().encodeToString(pem.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final String NODE_REQUEST = request(List.of("system:nodes"), "system:node:edge-1", false);

    static ObjectNode csr(String signer, String request, List<String> usages, Long expirationSeconds) {
        ObjectNode csr = JSON.createObjectNode();
        csr.putObject("metadata").put("name", "node-csr-1");
        ObjectNode spec = csr.putObject("spec");
        if (signer != null) {
            spec.put("signerName", signer);
        }
        if (request != null) {
            spec.put("request", request);
        }
        usages.forEach(spec.withArray("usages")::add);
        if (expirationSeconds != null) {
            spec.put("expirationSeconds", expirationSeconds);
        }
        return csr;
    }

    record Case(String sentence, ObjectNode csr, List<String> errors) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<Case> cases() {
        List<String> kubeletUsages = List.of("digital signature", "client auth");
        return Stream.of(
                new Case("A kubelet's client request is valid", csr(KUBELET, NODE_REQUEST, kubeletUsages, null), List.of()),
                new Case("A kubelet's request with an RSA key's usages is valid",
                        csr(KUBELET, NODE_REQUEST, List.of("digital signature", "key encipherment", "client auth"), 3600L), List.of()),
                new Case("A request needs a signer", csr(null, NODE_REQUEST, kubeletUsages, null),
                        List.of("spec.signerName: Required value")),
                new Case("A signer is a domain and a path", csr("kubelet", NODE_REQUEST, kubeletUsages, null),
                        List.of("spec.signerName: Invalid value: \"kubelet\": must be a fully qualified domain and path of the form 'example.com/signer-name'")),
                new Case("A request needs usages", csr("example.com/x", NODE_REQUEST, List.of(), null), List.of("spec.usages: Required value")),
                new Case("An unknown usage is not supported", csr("example.com/x", NODE_REQUEST, List.of("flying"), null),
                        List.of("spec.usages[0]: Unsupported value: \"flying\"")),
                new Case("A usage may not repeat", csr("example.com/x", NODE_REQUEST, List.of("client auth", "client auth"), null),
                        List.of("spec.usages[1]: Duplicate value: \"client auth\"")),
                new Case("A certificate lasts at least ten minutes", csr(KUBELET, NODE_REQUEST, kubeletUsages, 599L),
                        List.of("spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)")),
                new Case("A request must be there", csr(KUBELET, null, kubeletUsages, null), List.of("spec.request: Required value")),
                new Case("A request must be a PEM certificate request",
                        csr(KUBELET, Base64.getEncoder().encodeToString("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
                                .getBytes(StandardCharsets.US_ASCII)), kubeletUsages, null),
                        List.of("spec.request: Invalid value: \"<request>\": PEM block type must be CERTIFICATE REQUEST")),
                new Case("A kubelet request must be in system:nodes only",
                        csr(KUBELET, request(List.of("system:nodes", "system:masters"), "system:node:edge-1", false), kubeletUsages, null),
                        List.of("spec.request: Invalid value: \"<request>\": subject organization is not system:nodes")),
                new Case("A kubelet request must name a node",
                        csr(KUBELET, request(List.of("system:nodes"), "admin", false), kubeletUsages, null),
                        List.of("spec.request: Invalid value: \"<request>\": subject common name does not begin with system:node:")),
                new Case("A kubelet request may not ask for DNS names",
                        csr(KUBELET, request(List.of("system:nodes"), "system:node:edge-1", true), kubeletUsages, null),
                        List.of("spec.request: Invalid value: \"<request>\": DNS, email, IP and URI subjectAltNames are not allowed")),
                new Case("A kubelet request may not ask to serve",
                        csr(KUBELET, NODE_REQUEST, List.of("digital signature", "server auth"), null),
                        List.of("spec.request: Invalid value: \"<request>\": usages did not match [digital signature client auth] or"
                                + " [digital signature key encipherment client auth]")),
                new Case("Another signer's request may have any subject",
                        csr("kubernetes.io/kube-apiserver-client", request(List.of("dev"), "jane", true), List.of("client auth"), null),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validates(Case c) {
        assertThat(STRATEGY.validate(c.csr()).stream().map(FieldError::message).toList())
                .hasSize(c.errors().size())
                .allSatisfy(m -> assertThat(c.errors().stream().anyMatch(m::startsWith)).as(m).isTrue());
    }

    record StatusCase(String sentence, String status, List<String> errors) {
        @Override
        public String toString() {
            return sentence;
        }
    }

    static Stream<StatusCase> statuses() {
        return Stream.of(
                new StatusCase("An approved request is valid", "{\"conditions\":[{\"type\":\"Approved\",\"status\":\"True\"}]}", List.of()),
                new StatusCase("Approved and Denied exclude each other",
                        "{\"conditions\":[{\"type\":\"Approved\",\"status\":\"True\"},{\"type\":\"Denied\",\"status\":\"True\"}]}",
                        List.of("status.conditions: Invalid value")),
                new StatusCase("A condition type appears once",
                        "{\"conditions\":[{\"type\":\"Approved\",\"status\":\"True\"},{\"type\":\"Approved\",\"status\":\"True\"}]}",
                        List.of("status.conditions[1].type: Duplicate value")),
                new StatusCase("A condition's status is True, False or Unknown",
                        "{\"conditions\":[{\"type\":\"Approved\",\"status\":\"Yes\"}]}",
                        List.of("status.conditions[0].status: Unsupported value")),
                new StatusCase("A certificate must be PEM certificates", "{\"certificate\":\"" + NODE_REQUEST + "\"}",
                        List.of("status.certificate: Invalid value")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statuses")
    void validatesStatus(StatusCase c) {
        ObjectNode object = csr(KUBELET, NODE_REQUEST, List.of("digital signature", "client auth"), null);
        object.set("status", JSON.readTree(c.status()));
        assertThat(STRATEGY.validateStatus(object).stream().map(FieldError::message).toList())
                .hasSize(c.errors().size())
                .allSatisfy(m -> assertThat(c.errors().stream().anyMatch(m::startsWith)).as(m).isTrue());
    }

    @org.junit.jupiter.api.Test
    void theSpecCannotChange() {
        ObjectNode old = csr(KUBELET, NODE_REQUEST, List.of("digital signature", "client auth"), null);
        ObjectNode changed = old.deepCopy();
        ((ObjectNode) changed.get("spec")).put("expirationSeconds", 7200);
        assertThat(STRATEGY.validateUpdate(changed, old).stream().map(FieldError::message))
                .containsExactly("spec: Invalid value: \"<spec>\": field is immutable");
    }
}
