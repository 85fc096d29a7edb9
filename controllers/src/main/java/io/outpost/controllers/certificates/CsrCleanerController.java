package io.outpost.controllers.certificates;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;

/**
 * The CSR cleaner (kube's {@code csrcleaner}): deletes CertificateSigningRequests once
 * {@link Cleanup} says they are done. kube polls every hour; this queues each request for the
 * moment its deadline passes on the injected clock, so the deletion is on time and nothing is
 * listed in between.
 *
 * <p>Thread model: informer threads only enqueue names; one worker syncs them. A sync deletes a
 * request whose deadline has passed (a 404 is done) or re-queues it for its deadline; it is
 * idempotent.
 */
public final class CsrCleanerController extends CertificateController {

    public static final String NAME = "csrcleaner";
    private static final Logger LOG = LoggerFactory.getLogger(CsrCleanerController.class);


    public CsrCleanerController(ControllerContext context, ControllerConfig config) {
        super(NAME, context, config);
    }

    @Override
    void sync(CertificateSigningRequest csr) {
        String name = csr.getMetadata().getName();
        Optional<Instant> deadline = Cleanup.deadline(csr);
        if (deadline.isEmpty()) {
            return;
        }
        Duration wait = Duration.between(config.clock().instant(), deadline.get());
        if (wait.isPositive()) {
            syncAfter(name, wait);
            return;
        }
        try {
            client.certificates().v1().certificateSigningRequests().withName(name).delete();
            LOG.info("deleted {}: done with since {}", name, deadline.get());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
