package io.outpost.controllers.namespace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.Handlers;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * kube's {@code namespace-controller}: empties a Terminating namespace that still carries the
 * {@code kubernetes} finalizer ({@link ContentDeleter}), writes the deletion conditions on its
 * status ({@link Conditions}), and once nothing is left removes that finalizer through
 * {@code PUT namespaces/{name}/finalize}, after which the API server removes the namespace.
 *
 * <p>While content remains (pods within their grace period, objects held by finalizers) the
 * namespace is looked at again after half the estimate plus a second, as kube requeues on its
 * {@code ResourcesRemainingError}; a failure is retried with the queue's back-off.
 *
 * <p>Thread model: informer threads only enqueue names of namespaces being deleted;
 * {@code config.workers()} workers sync them, never one name in two workers. A sync reads the
 * namespace fresh from the API (the cache may be behind its finalize) and writes only through it.
 */
public final class NamespaceController implements Controller {

    public static final String NAME = "namespace";
    static final String FINALIZER = "kubernetes";

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final WorkQueue<String> queue;
    private final Workers workers;
    private final ContentDeleter deleter;

    public NamespaceController(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        this.deleter = new ContentDeleter(client, config.clock());
        SharedIndexInformer<Namespace> namespaces = context.informers().of(Namespace.class);
        namespaces.addEventHandler(Handlers.onChange((old, cur) -> {
            if (cur.getMetadata().getDeletionTimestamp() != null) {
                queue.add(cur.getMetadata().getName());
            }
        }));
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

    void sync(String name) {
        Namespace ns = client.namespaces().withName(name).get();
        if (ns == null || ns.getMetadata().getDeletionTimestamp() == null || !finalizers(ns).contains(FINALIZER)) {
            return; // gone, not being deleted, or already finalized by us
        }
        Content content = deleter.deleteAll(name);
        List<NamespaceCondition> old = ns.getStatus() == null ? null : ns.getStatus().getConditions();
        List<NamespaceCondition> conditions = Conditions.next(old, content, config.clock().instant());
        if (!Objects.equals(old, conditions)) {
            Namespace withConditions = new NamespaceBuilder(ns).editOrNewStatus().withConditions(conditions).endStatus().build();
            ns = client.namespaces().resource(withConditions).updateStatus();
        }
        if (!content.discoveryFailure().isEmpty() || !content.deleteFailures().isEmpty()) {
            throw new IllegalStateException("namespace " + name + " is not empty yet: "
                    + content.discoveryFailure().orElse(String.join("; ", content.deleteFailures())));
        }
        if (!content.empty()) {
            queue.addAfter(name, Duration.ofSeconds(content.estimateSeconds() / 2 + 1));
            return;
        }
        finalizeNamespace(ns);
    }

    /** kube's {@code finalizeNamespace}: every spec finalizer but ours, through the finalize subresource. */
    private void finalizeNamespace(Namespace ns) {
        List<String> rest = new ArrayList<>(finalizers(ns));
        rest.remove(FINALIZER);
        Namespace finalized = new NamespaceBuilder(ns).editOrNewSpec().withFinalizers(rest).endSpec().build();
        String url = client.getMasterUrl().toString().replaceAll("/$", "") + "/api/v1/namespaces/" + ns.getMetadata().getName()
                + "/finalize";
        try {
            client.raw(url, "PUT", finalized);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e; // a conflict re-queues: the next sync reads the namespace afresh
            }
        }
    }

    private static List<String> finalizers(Namespace ns) {
        return ns.getSpec() == null || ns.getSpec().getFinalizers() == null ? List.of() : ns.getSpec().getFinalizers();
    }
}
