package io.outpost.controllers.certificates;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * The PKCS#10 request of a CertificateSigningRequest's {@code spec.request}, with the parts the
 * approver and the signer decide on.
 *
 * @param pkcs10        the parsed request (its signature was checked by the API server on create)
 * @param commonName    the subject's CN, or empty
 * @param organizations the subject's O values, in order
 * @param hasAltNames   whether it asks for subject alternative names (DNS, IP, email, URI)
 */
public record CsrRequest(PKCS10CertificationRequest pkcs10, String commonName, List<String> organizations,
                         boolean hasAltNames) {

    public CsrRequest {
        organizations = List.copyOf(organizations);
    }

    /**
     * Reads the PEM text of a request ({@code spec.request} is its bytes).
     *
     * @throws IllegalArgumentException if it is not one PEM CERTIFICATE REQUEST
     */
    public static CsrRequest parse(byte[] pem) {
        PemObject block;
        try (PemReader reader = new PemReader(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            block = reader.readPemObject();
        } catch (IOException e) {
            block = null;
        }
        if (block == null || !block.getType().equals("CERTIFICATE REQUEST")) {
            throw new IllegalArgumentException("PEM block type must be CERTIFICATE REQUEST");
        }
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(block.getContent());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("the certificate request cannot be parsed: " + e.getMessage());
        }
        String cn = "";
        List<String> orgs = new ArrayList<>();
        for (RDN rdn : csr.getSubject().getRDNs()) {
            if (rdn.getFirst().getType().equals(BCStyle.O)) {
                orgs.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
            } else if (rdn.getFirst().getType().equals(BCStyle.CN)) {
                cn = IETFUtils.valueToString(rdn.getFirst().getValue());
            }
        }
        boolean alt = false;
        for (var attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            Extensions extensions = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0));
            alt |= extensions.getExtension(Extension.subjectAlternativeName) != null;
        }
        return new CsrRequest(csr, cn, orgs, alt);
    }
}
