package io.outpost.controllers.rootcacertpublisher;

import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.Handlers;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * kube's root-ca-cert-publisher ({@code pkg/controller/certificates/rootcacertpublisher}): every
 * namespace has a ConfigMap {@code kube-root-ca.crt} whose {@code ca.crt} is the cluster CA, with
 * kube's {@code kubernetes.io/description} annotation, so that pods can verify the API server (the
 * ServiceAccount admission projects it into every pod's {@code kube-api-access-} volume). A
 * ConfigMap deleted is made again; one whose data or annotation someone changed is set back. A
 * create refused because the namespace is gone or terminating is done, not retried.
 *
 * <p>Thread model: informer threads run the handlers, which only enqueue namespace names (a
 * namespace added or updated; the namespace of a {@code kube-root-ca.crt} changed or deleted);
 * {@code config.workers()} workers sync names, never one name in two workers. A sync reads the
 * caches and writes through the API, so it is idempotent; a failed one is re-queued with back-off.
 */
public final class RootCaCertPublisher implements Controller {

    public static final String NAME = "root-ca-cert-publisher";
    public static final String CONFIG_MAP = "kube-root-ca.crt";
    static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
    static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal"
            + " endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across"
            + " distributions of Kubernetes clusters.";
    private static final Logger LOG = LoggerFactory.getLogger(RootCaCertPublisher.class);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final String caBundle;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<ConfigMap> configMaps;
    private final WorkQueue<String> queue;
    private final Workers workers;

    public RootCaCertPublisher(ControllerContext context, ControllerConfig config, String caBundle) {
        this.client = context.client();
        this.config = config;
        this.caBundle = caBundle;
        this.namespaces = context.informers().of(Namespace.class);
        this.configMaps = context.informers().of(ConfigMap.class);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        // A deleted namespace's ConfigMaps go with it.
        namespaces.addEventHandler(Handlers.onAddOrUpdate(ns -> queue.add(ns.getMetadata().getName())));
        configMaps.addEventHandler(new ResourceEventHandler<ConfigMap>() {
            @Override
            public void onAdd(ConfigMap cm) {
                // A new one is either ours or will be checked when its namespace syncs.
            }

            @Override
            public void onUpdate(ConfigMap old, ConfigMap cur) {
                if (CONFIG_MAP.equals(cur.getMetadata().getName())) {
                    queue.add(cur.getMetadata().getNamespace());
                }
            }

            @Override
            public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
                if (CONFIG_MAP.equals(cm.getMetadata().getName())) {
                    queue.add(cm.getMetadata().getNamespace());
                }
            }
        });
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

    /** Makes or repairs {@code kube-root-ca.crt} in namespace {@code key}. */
    void sync(String key) {
        Namespace namespace = namespaces.getStore().getByKey(key);
        if (namespace == null || namespace.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        Map<String, String> data = Map.of("ca.crt", caBundle);
        ConfigMap current = configMaps.getStore().getByKey(key + "/" + CONFIG_MAP);
        if (current == null) {
            try {
                client.configMaps().inNamespace(key).resource(new ConfigMapBuilder().withNewMetadata().withName(CONFIG_MAP)
                        .withNamespace(key).addToAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION).endMetadata().withData(data)
                        .build()).create();
                LOG.debug("{}: created {}", key, CONFIG_MAP);
            } catch (KubernetesClientException e) {
                if (!gone(e) && e.getCode() != 409) {
                    throw e;
                }
            }
            return;
        }
        String description = current.getMetadata().getAnnotations() == null ? null
                : current.getMetadata().getAnnotations().get(DESCRIPTION_ANNOTATION);
        if (Objects.equals(current.getData(), data) && description != null && !description.isEmpty()) {
            return;
        }
        // As kube: the data and the annotation are set back; anything else someone added stays.
        ConfigMap repaired = new ConfigMapBuilder(current).withData(data).editMetadata()
                .addToAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION).endMetadata().build();
        client.configMaps().inNamespace(key).resource(repaired).update();
        LOG.debug("{}: repaired {}", key, CONFIG_MAP);
    }

    /** A create refused because the namespace is gone (404) or terminating (403 with kube's cause). */
    private static boolean gone(KubernetesClientException e) {
        if (e.getCode() == 404) {
            return true;
        }
        Status status = e.getStatus();
        return e.getCode() == 403 && status != null && status.getDetails() != null && status.getDetails().getCauses() != null
                && status.getDetails().getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }
}
