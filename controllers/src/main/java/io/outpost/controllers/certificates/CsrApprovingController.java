package io.outpost.controllers.certificates;

import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;

/**
 * The CSR approving controller (kube's {@code csrapproving}): approves node client certificate
 * requests from join tokens and nodes' own renewals, by the rules of {@link Approval}, through
 * the {@code approval} subresource, as {@code kubectl certificate approve} does.
 *
 * <p>Thread model: informer threads only enqueue CSR names; {@code config.workers()} workers sync
 * them, never one name in two. A sync reads the informer's cache and writes an Approved condition
 * only to a request that has neither Approved nor Denied, so it is idempotent; a conflict
 * (someone else decided meanwhile) is re-queued and then finds nothing to do.
 */
public final class CsrApprovingController extends CertificateController {

    public static final String NAME = "csrapproving";
    private static final Logger LOG = LoggerFactory.getLogger(CsrApprovingController.class);


    public CsrApprovingController(ControllerContext context, ControllerConfig config) {
        super(NAME, context, config);
    }

    @Override
    void sync(CertificateSigningRequest csr) {
        String name = csr.getMetadata().getName();
        Optional<Approval> approval = Approval.decide(csr);
        if (approval.isEmpty()) {
            return;
        }
        CertificateSigningRequestCondition approved = new CertificateSigningRequestConditionBuilder()
                .withType("Approved").withStatus("True").withReason(approval.get().reason())
                .withMessage(approval.get().message())
                .withLastUpdateTime(Instant.now(config.clock()).toString())
                .build();
        try {
            client.certificates().v1().certificateSigningRequests().withName(name).approve(approved);
            LOG.info("approved {} ({} for {})", name, approval.get().message(), Csrs.username(csr));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return;
            }
            throw e;
        }
    }
}
