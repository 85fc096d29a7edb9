package io.outpost.controllers.serviceaccount;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccount;
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
 * The ServiceAccount controller (kube's {@code pkg/controller/serviceaccount}
 * serviceaccounts-controller): every Active namespace has a ServiceAccount named {@code default},
 * created when the namespace appears and again whenever it is deleted. Terminating namespaces are
 * skipped; a create the API server refuses because the namespace has meanwhile started
 * terminating, or because the account already exists, is done, not a failure to retry.
 *
 * <p>It creates only: an account the user changed is left as it is, and the namespace finalizer
 * deletes the accounts of a deleted namespace.
 *
 * <p>Thread model: informer threads run the handlers, which only enqueue namespace names (a
 * namespace that appears or changes, the namespace of an account deleted); {@code config.workers()}
 * workers sync names, never one name in two workers. A sync reads only the informers' caches and
 * writes only through the API, so it is idempotent; a failed one is re-queued with the work
 * queue's back-off.
 */
public final class ServiceAccountsController implements Controller {

    public static final String NAME = "serviceaccount";
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountsController.class);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<ServiceAccount> serviceAccounts;
    private final WorkQueue<String> queue;
    private final Workers workers;

    public ServiceAccountsController(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.namespaces = context.informers().of(Namespace.class);
        this.serviceAccounts = context.informers().of(ServiceAccount.class);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        // Every update too, as kube: each resync re-checks the namespace, which repairs an account
        // deleted while the informer was disconnected. Nothing to do for a namespace that is gone.
        namespaces.addEventHandler(Handlers.onAddOrUpdate(ns -> queue.add(ns.getMetadata().getName())));
        // Only deletions: an account appearing never needs one created, and its content is the user's.
        serviceAccounts.addEventHandler(Handlers.onDelete(sa -> queue.add(sa.getMetadata().getNamespace())));
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

    /** Creates the ensured accounts the cache does not show in namespace {@code key}. */
    void sync(String key) {
        Namespace namespace = namespaces.getStore().getByKey(key);
        if (namespace == null) {
            return;
        }
        List<ServiceAccount> missing = Accounts.missing(namespace,
                name -> serviceAccounts.getStore().getByKey(key + "/" + name) != null);
        KubernetesClientException first = null;
        for (ServiceAccount sa : missing) {
            try {
                client.serviceAccounts().inNamespace(key).resource(sa).create();
                LOG.debug("{}: created ServiceAccount {}", key, sa.getMetadata().getName());
            } catch (KubernetesClientException e) {
                if (!Accounts.settled(e)) {
                    first = first == null ? e : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
