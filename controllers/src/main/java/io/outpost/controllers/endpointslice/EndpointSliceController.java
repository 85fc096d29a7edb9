package io.outpost.controllers.endpointslice;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.outpost.controllers.common.Pods;
import io.outpost.controllers.common.ServiceKeys;
import io.outpost.controllers.common.ServiceMembers;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.Handlers;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * The EndpointSlice controller (kube's {@code pkg/controller/endpointslice}
 * endpointslice-controller): every Service with a selector has IPv4 EndpointSlices, labelled
 * {@code kubernetes.io/service-name} and managed-by {@code endpointslice-controller.k8s.io}, owned
 * by the service (so the garbage collector deletes them with it), listing its matching pods with
 * ready, serving and terminating conditions ({@link Slices}). Slices it manages that no longer
 * fit are deleted; slices managed by anyone else, and services without a selector, are left alone.
 * A slice is written only when it differs from the cache.
 *
 * <p>Thread model: informer threads run the handlers, which only enqueue service keys: a service
 * changing, a pod changing (every service selecting it before or after), a managed slice changed
 * or deleted by someone else. {@code config.workers()} workers sync keys, never one key in two
 * workers; a sync reads only caches and writes through the API, so it is idempotent, and a failed
 * one is re-queued with back-off.
 */
public final class EndpointSliceController implements Controller {

    public static final String NAME = "endpointslice";
    private static final Logger LOG = LoggerFactory.getLogger(EndpointSliceController.class);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final WorkQueue<String> queue;
    private final Workers workers;

    public EndpointSliceController(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.services = context.informers().of(Service.class);
        this.pods = context.informers().of(Pod.class);
        this.slices = context.informers().of(EndpointSlice.class);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        // A deleted Service's slices are owned by it: the garbage collector deletes them.
        services.addEventHandler(Handlers.onAddOrUpdate(s -> queue.add(Pods.key(s))));
        pods.addEventHandler(Handlers.onChange((old, cur) -> ServiceKeys.selecting(services, old, cur).forEach(queue::add)));
        slices.addEventHandler(Handlers.onEach(this::enqueueOwner));
    }

    /** A managed slice changed: its service re-checks it (a no-op when it was our own write). */
    private void enqueueOwner(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        if (labels != null && Slices.MANAGED_BY.equals(labels.get(Slices.MANAGED_BY_LABEL))
                && labels.get(Slices.SERVICE_NAME_LABEL) != null) {
            queue.add(slice.getMetadata().getNamespace() + "/" + labels.get(Slices.SERVICE_NAME_LABEL));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run() {
        workers.start(config.workers());
    }

    @Override
    public void close() {
        workers.close();
    }

    void sync(String key) {
        Service service = services.getStore().getByKey(key);
        if (service == null || ServiceMembers.selector(service).isEmpty()) {
            return;
        }
        String namespace = service.getMetadata().getNamespace();
        List<EndpointSlice> desired = Slices.desired(service,
                ServiceMembers.members(service, pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace), true));
        Map<String, EndpointSlice> current = new HashMap<>();
        for (EndpointSlice s : slices.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
            Map<String, String> labels = s.getMetadata().getLabels();
            if (labels != null && Slices.MANAGED_BY.equals(labels.get(Slices.MANAGED_BY_LABEL))
                    && service.getMetadata().getName().equals(labels.get(Slices.SERVICE_NAME_LABEL))) {
                current.put(s.getMetadata().getName(), s);
            }
        }
        var api = client.discovery().v1().endpointSlices().inNamespace(namespace);
        // Create and update before deleting, as kube does, so a moving endpoint is never absent.
        for (EndpointSlice want : desired) {
            EndpointSlice have = current.remove(want.getMetadata().getName());
            if (have == null) {
                api.resource(want).create();
                LOG.debug("{}: created EndpointSlice {}", key, want.getMetadata().getName());
            } else if (!Slices.same(have, want)) {
                want.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
                want.getMetadata().setAnnotations(have.getMetadata().getAnnotations());
                api.resource(want).update();
                LOG.debug("{}: updated EndpointSlice {}", key, want.getMetadata().getName());
            }
        }
        for (EndpointSlice stale : current.values()) {
            api.withName(stale.getMetadata().getName()).delete();
            LOG.debug("{}: deleted EndpointSlice {}", key, stale.getMetadata().getName());
        }
    }
}
