package io.outpost.controllers.endpoint;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
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
 * The Endpoints controller (kube's {@code pkg/controller/endpoint} endpoint-controller): every
 * Service with a selector has an Endpoints object of its name listing the matching pods that have
 * an IP, ready ones in {@code addresses} and the rest in {@code notReadyAddresses}, on the ports
 * the service's targetPorts resolve to ({@link Subsets}). Services without a selector are left
 * alone: their Endpoints are the user's. When a service is deleted its Endpoints go too (kube
 * deletes them by name; they carry no owner reference).
 *
 * <p>It writes only when the subsets or labels differ from the cache, so a resync or a pod change
 * that moves nothing costs no write.
 *
 * <p>Thread model: informer threads run the handlers, which only enqueue service keys
 * ("namespace/name"): a service changing, a pod changing (every service selecting it before or
 * after), an Endpoints object deleted. {@code config.workers()} workers sync keys, never one key in
 * two workers; a sync reads only caches and writes through the API, so it is idempotent, and a
 * failed one (a conflict with a stale cache) is re-queued with back-off.
 */
public final class EndpointsController implements Controller {

    public static final String NAME = "endpoint";
    /** kube's label on the Endpoints of a headless service. */
    static final String HEADLESS_LABEL = "service.kubernetes.io/headless";
    private static final Logger LOG = LoggerFactory.getLogger(EndpointsController.class);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Endpoints> endpoints;
    private final WorkQueue<String> queue;
    private final Workers workers;

    public EndpointsController(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.services = context.informers().of(Service.class);
        this.pods = context.informers().of(Pod.class);
        this.endpoints = context.informers().of(Endpoints.class);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        services.addEventHandler(Handlers.onEach(s -> queue.add(Pods.key(s))));
        pods.addEventHandler(Handlers.onChange((old, cur) -> ServiceKeys.selecting(services, old, cur).forEach(queue::add)));
        // Only deletions: ours appearing needs nothing, a user's for a selector-less service is theirs,
        // and kube does not watch Endpoints updates either (the service's next sync repairs them).
        endpoints.addEventHandler(Handlers.onDelete(e -> queue.add(Pods.key(e))));
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
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Service service = services.getStore().getByKey(key);
        Endpoints current = endpoints.getStore().getByKey(key);
        if (service == null) {
            if (current != null) {
                // The service is gone: so are its Endpoints (kube's controller deletes them by name).
                client.endpoints().inNamespace(namespace).withName(name).delete();
            }
            return;
        }
        if (ServiceMembers.selector(service).isEmpty()) {
            return;
        }
        List<EndpointSubset> subsets = Subsets.of(service, pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace));
        Map<String, String> labels = labels(service);
        if (current != null && Objects.equals(subsets, nullToEmpty(current.getSubsets()))
                && Objects.equals(labels, current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels())) {
            return;
        }
        Endpoints desired = new EndpointsBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withLabels(labels).endMetadata().withSubsets(subsets).build();
        // A conflict or an already-exists here means the cache was stale: the sync fails and is
        // retried with back-off once the informer has caught up.
        if (current == null) {
            client.endpoints().inNamespace(namespace).resource(desired).create();
        } else {
            desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
            desired.getMetadata().setAnnotations(current.getMetadata().getAnnotations());
            client.endpoints().inNamespace(namespace).resource(desired).update();
        }
        LOG.debug("{}: wrote Endpoints with {} subsets", key, subsets.size());
    }

    /** The service's labels, plus kube's headless marker for a service without a cluster IP. */
    static Map<String, String> labels(Service service) {
        Map<String, String> labels = new HashMap<>(service.getMetadata().getLabels() == null
                ? Map.of() : service.getMetadata().getLabels());
        if ("None".equals(service.getSpec().getClusterIP())) {
            labels.put(HEADLESS_LABEL, "");
        } else {
            labels.remove(HEADLESS_LABEL);
        }
        return labels;
    }

    private static List<EndpointSubset> nullToEmpty(List<EndpointSubset> subsets) {
        return subsets == null ? List.of() : subsets;
    }
}
