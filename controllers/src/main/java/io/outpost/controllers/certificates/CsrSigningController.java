package io.outpost.controllers.certificates;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;

/**
 * The CSR signing controller (kube's {@code csrsigning}, its kube-apiserver-client and
 * kube-apiserver-client-kubelet signers): issues the certificate of each approved request with
 * the cluster CA through a {@link CsrSigner}, by the rules of {@link Signing}, and writes it to
 * {@code status.certificate}; a request that breaks its signer's rules gets a Failed condition.
 *
 * <p>Thread model: informer threads only enqueue CSR names; {@code config.workers()} workers sync
 * them, never one name in two. A sync writes only to a request without a certificate and without
 * a Failed condition; the API server refuses to change an issued certificate, so two servers
 * racing (or a retry after a lost answer) issue one certificate, not two.
 */
public final class CsrSigningController extends CertificateController {

    public static final String NAME = "csrsigning";
    private static final Logger LOG = LoggerFactory.getLogger(CsrSigningController.class);

    private final CsrSigner signer;
    private final Duration maxDuration;

    /** Signs for at most a year, kube's default {@code --cluster-signing-duration}. */
    public CsrSigningController(ControllerContext context, ControllerConfig config, CsrSigner signer) {
        super(NAME, context, config);
        this.signer = signer;
        this.maxDuration = Signing.DEFAULT_MAX;
    }

    @Override
    void sync(CertificateSigningRequest cached) {
        String name = cached.getMetadata().getName();
        Instant now = config.clock().instant();
        Signing decision = Signing.decide(cached, now, maxDuration, signer.caNotAfter());
        CertificateSigningRequest csr = Serialization.clone(cached);
        CertificateSigningRequestStatus status = csr.getStatus() == null ? new CertificateSigningRequestStatus() : csr.getStatus();
        csr.setStatus(status);
        switch (decision) {
            case Signing.Skip skip -> {
                return;
            }
            case Signing.Fail fail -> {
                List<CertificateSigningRequestCondition> conditions = new ArrayList<>(Csrs.conditions(csr));
                conditions.add(new CertificateSigningRequestConditionBuilder().withType("Failed").withStatus("True")
                        .withReason(fail.reason()).withMessage(fail.message()).withLastUpdateTime(now.toString()).build());
                status.setConditions(conditions);
                LOG.info("{}: not signed: {}", name, fail.message());
            }
            case Signing.Sign sign -> {
                String pem = signer.sign(sign.request(), sign.usages(), sign.notBefore(), sign.notAfter());
                status.setCertificate(Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
                LOG.info("{}: signed {} for {}, valid until {}", name, Csrs.signer(csr), sign.request().commonName(), sign.notAfter());
            }
        }
        try {
            client.certificates().v1().certificateSigningRequests().resource(csr).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return;
            }
            throw e;
        }
    }
}
