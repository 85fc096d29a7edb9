package io.outpost.apiserver.validation;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * certificates.k8s.io/v1 CertificateSigningRequests, as kube's
 * {@code pkg/apis/certificates/validation}: the request must be one PEM {@code CERTIFICATE REQUEST}
 * whose signature verifies; {@code signerName} a qualified {@code domain/path}; {@code usages}
 * known and not repeated; {@code expirationSeconds} at least 600. The spec cannot change after
 * create. Status conditions are Approved, Denied or Failed (or another type), not Approved and
 * Denied together, each at most once; a certificate in the status must be PEM certificates.
 *
 * <p>For the signer {@code kubernetes.io/kube-apiserver-client-kubelet} the request must also
 * be what a kubelet asks for (kube's {@code ValidateKubeletClientCSR}): {@code O=system:nodes}
 * only, {@code CN=system:node:<name>}, no subject alternative names, and the usages
 * {@code digital signature} and {@code client auth} (plus {@code key encipherment}). kube leaves
 * this to the signer, which marks a bad request Failed; Outpost also refuses it at create (422)
 * so that a wrong agent or script learns why at once.
 */
final class CertificateSigningRequestValidation implements KindStrategy {

    static final String KUBELET_CLIENT = "kubernetes.io/kube-apiserver-client-kubelet";

    /** kube's {@code allValidUsages}. */
    static final List<String> USAGES = List.of("signing", "digital signature", "content commitment", "key encipherment",
            "key agreement", "data encipherment", "cert sign", "crl sign", "encipher only", "decipher only", "any",
            "server auth", "client auth", "code signing", "email protection", "s/mime", "ipsec end system", "ipsec tunnel",
            "ipsec user", "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc");

    private static final Set<String> KUBELET_USAGES = Set.of("digital signature", "client auth");
    private static final Set<String> KUBELET_USAGES_RSA = Set.of("digital signature", "key encipherment", "client auth");
    private static final long MIN_EXPIRATION_SECONDS = 600;

    @Override
    public List<FieldError> validate(ObjectNode csr) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = csr.path("spec");
        String signer = Trees.text(spec, "signerName");
        if (signer.isEmpty()) {
            errs.add(FieldError.required("spec.signerName", ""));
        } else {
            signerName(signer).forEach(m -> errs.add(FieldError.invalid("spec.signerName", signer, m)));
        }
        List<String> usages = new ArrayList<>();
        if (!spec.path("usages").isArray() || spec.path("usages").isEmpty()) {
            errs.add(FieldError.required("spec.usages", ""));
        } else {
            Set<String> seen = new HashSet<>();
            int i = 0;
            for (JsonNode u : spec.path("usages")) {
                String usage = u.asString("");
                if (!USAGES.contains(usage)) {
                    errs.add(FieldError.notSupported("spec.usages[" + i + "]", usage, USAGES));
                } else if (!seen.add(usage)) {
                    errs.add(FieldError.duplicate("spec.usages[" + i + "]", usage));
                }
                usages.add(usage);
                i++;
            }
        }
        if (!Trees.absent(spec, "expirationSeconds") && spec.path("expirationSeconds").asLong(0) < MIN_EXPIRATION_SECONDS) {
            errs.add(FieldError.invalid("spec.expirationSeconds", spec.path("expirationSeconds").asLong(0),
                    "may not specify a duration less than 600 seconds (10 minutes)"));
        }
        String request = Trees.text(spec, "request");
        if (request.isEmpty()) {
            errs.add(FieldError.required("spec.request", ""));
            return errs;
        }
        PKCS10CertificationRequest parsed;
        try {
            parsed = parse(request);
        } catch (IllegalArgumentException e) {
            errs.add(FieldError.invalid("spec.request", "<request>", e.getMessage()));
            return errs;
        }
        if (signer.equals(KUBELET_CLIENT)) {
            kubeletClient(parsed, usages).forEach(m -> errs.add(FieldError.invalid("spec.request", "<request>", m)));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode csr, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(csr));
        if (!csr.path("spec").equals(old.path("spec"))) {
            errs.add(FieldError.invalid("spec", "<spec>", "field is immutable"));
        }
        return errs;
    }

    @Override
    public List<FieldError> validateStatus(ObjectNode csr) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode status = csr.path("status");
        Set<String> once = new HashSet<>();
        boolean approved = false;
        boolean denied = false;
        int i = 0;
        for (JsonNode c : status.path("conditions")) {
            String type = Trees.text(c, "type");
            String path = "status.conditions[" + i + "]";
            if (type.isEmpty()) {
                errs.add(FieldError.required(path + ".type", ""));
            }
            String st = Trees.text(c, "status");
            if (!List.of("True", "False", "Unknown").contains(st)) {
                errs.add(FieldError.notSupported(path + ".status", st, List.of("True", "False", "Unknown")));
            }
            if (List.of("Approved", "Denied", "Failed").contains(type) && !once.add(type)) {
                errs.add(FieldError.duplicate(path + ".type", type));
            }
            approved |= type.equals("Approved") && st.equals("True");
            denied |= type.equals("Denied") && st.equals("True");
            i++;
        }
        if (approved && denied) {
            errs.add(FieldError.invalid("status.conditions", "Approved, Denied", "Approved and Denied conditions are mutually exclusive"));
        }
        String certificate = Trees.text(status, "certificate");
        if (!certificate.isEmpty()) {
            certificateProblem(certificate).ifPresent(m -> errs.add(FieldError.invalid("status.certificate", "<certificate data>", m)));
        }
        return errs;
    }

    /** kube's {@code ValidateSignerName}: a DNS subdomain, a slash, and a non-empty path. */
    static List<String> signerName(String name) {
        int slash = name.indexOf('/');
        if (slash <= 0 || slash == name.length() - 1) {
            return List.of("must be a fully qualified domain and path of the form 'example.com/signer-name'");
        }
        List<String> msgs = new ArrayList<>();
        String domain = name.substring(0, slash);
        Names.dns1123Subdomain(domain).forEach(m -> msgs.add("the domain part must be a DNS subdomain: " + m));
        if (!domain.contains(".")) {
            msgs.add("should be a domain with at least two segments separated by dots");
        }
        return msgs;
    }

    /**
     * The request of a CSR's {@code spec.request} (base64 of PEM, as JSON carries {@code []byte}).
     *
     * @throws IllegalArgumentException in kube's words
     */
    static PKCS10CertificationRequest parse(String base64) {
        byte[] pem;
        try {
            pem = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be base64 of a PEM CERTIFICATE REQUEST");
        }
        PemObject block;
        try (PemReader reader = new PemReader(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            block = reader.readPemObject();
        } catch (IOException e) {
            block = null;
        }
        if (block == null || !block.getType().equals("CERTIFICATE REQUEST")) {
            throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
        }
        try {
            PKCS10CertificationRequest csr = new PKCS10CertificationRequest(block.getContent());
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
                throw new IllegalArgumentException("the certificate request's signature is invalid");
            }
            return csr;
        } catch (IOException | RuntimeException | org.bouncycastle.operator.OperatorCreationException
                 | org.bouncycastle.pkcs.PKCSException e) {
            throw new IllegalArgumentException(e instanceof IllegalArgumentException ? e.getMessage()
                    : "the certificate request cannot be parsed: " + e.getMessage());
        }
    }

    /** kube's {@code ValidateKubeletClientCSR}, as messages. */
    static List<String> kubeletClient(PKCS10CertificationRequest csr, List<String> usages) {
        List<String> msgs = new ArrayList<>();
        List<String> orgs = new ArrayList<>();
        String cn = "";
        for (RDN rdn : csr.getSubject().getRDNs()) {
            if (rdn.getFirst().getType().equals(BCStyle.O)) {
                orgs.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
            } else if (rdn.getFirst().getType().equals(BCStyle.CN)) {
                cn = IETFUtils.valueToString(rdn.getFirst().getValue());
            }
        }
        if (!orgs.equals(List.of("system:nodes"))) {
            msgs.add("subject organization is not system:nodes");
        }
        if (!cn.startsWith("system:node:") || cn.length() == "system:node:".length()) {
            msgs.add("subject common name does not begin with system:node:");
        }
        if (hasSubjectAltNames(csr)) {
            msgs.add("DNS, email, IP and URI subjectAltNames are not allowed");
        }
        Set<String> u = new HashSet<>(usages);
        if (!u.equals(KUBELET_USAGES) && !u.equals(KUBELET_USAGES_RSA)) {
            msgs.add("usages did not match [digital signature client auth] or [digital signature key encipherment client auth]");
        }
        return msgs;
    }

    private static boolean hasSubjectAltNames(PKCS10CertificationRequest csr) {
        for (var attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
            if (extensions.getExtension(Extension.subjectAlternativeName) != null) {
                return true;
            }
        }
        return false;
    }

    private static java.util.Optional<String> certificateProblem(String base64) {
        try {
            String text = new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
            int count = 0;
            try (PemReader reader = new PemReader(new StringReader(text))) {
                for (PemObject o = reader.readPemObject(); o != null; o = reader.readPemObject()) {
                    if (!o.getType().equals("CERTIFICATE")) {
                        return java.util.Optional.of("only CERTIFICATE PEM blocks are allowed, found \"" + o.getType() + "\"");
                    }
                    java.security.cert.CertificateFactory.getInstance("X.509")
                            .generateCertificate(new java.io.ByteArrayInputStream(o.getContent()));
                    count++;
                }
            }
            return count == 0 ? java.util.Optional.of("must contain at least one CERTIFICATE PEM block") : java.util.Optional.empty();
        } catch (IllegalArgumentException | IOException | java.security.cert.CertificateException e) {
            return java.util.Optional.of("must be base64 of PEM certificates: " + e.getMessage());
        }
    }
}
