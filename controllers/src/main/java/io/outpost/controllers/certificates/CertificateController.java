package io.outpost.controllers.certificates;

import java.time.Duration;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.Handlers;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * What the CSR controllers share, as kube's {@code certificates.CertificateController} is shared by
 * csrapproving, csrsigning and csrcleaner: every event of a CertificateSigningRequest queues its
 * name, and a worker hands the request as the informer's cache has it to {@link #sync}.
 *
 * <p>Thread model: informer threads only enqueue names; {@code config.workers()} workers sync
 * them, never one name in two. A sync that throws is re-queued with the queue's back-off.
 */
abstract class CertificateController implements Controller {

    protected final KubernetesClient client;
    protected final ControllerConfig config;
    private final String name;
    private final SharedIndexInformer<CertificateSigningRequest> csrs;
    private final WorkQueue<String> queue;
    private final Workers workers;

    CertificateController(String name, ControllerContext context, ControllerConfig config) {
        this.name = name;
        this.client = context.client();
        this.config = config;
        this.csrs = context.informers().of(CertificateSigningRequest.class);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(name, config.clock()));
        this.workers = new Workers(queue, this::sync);
        csrs.addEventHandler(Handlers.onEach(csr -> queue.add(csr.getMetadata().getName())));
    }

    /** Acts on one request, as the cache has it (not to be changed: clone it to write). */
    abstract void sync(CertificateSigningRequest cached);

    /** Syncs the request named {@code csrName} again after {@code wait}. */
    final void syncAfter(String csrName, Duration wait) {
        queue.addAfter(csrName, wait);
    }

    final void sync(String csrName) {
        CertificateSigningRequest cached = csrs.getStore().getByKey(csrName);
        if (cached != null) {
            sync(cached);
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void run() {
        workers.start(config.workers());
    }

    @Override
    public final void close() {
        workers.close();
    }
}
