package io.outpost.controllers.garbagecollector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.outpost.controllers.garbagecollector.Decisions.OwnerState;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * The garbage collector (kube's {@code garbagecollector} controller): deletes objects whose owners
 * are gone, and carries out the two deletions that wait for it:
 * <ul>
 *   <li><b>Background</b>: the owner is gone; each dependent whose owners are all gone is deleted.</li>
 *   <li><b>Foreground</b>: the owner has a deletionTimestamp and the {@code foregroundDeletion}
 *       finalizer; its dependents are deleted (those with {@code blockOwnerDeletion} are what it
 *       waits for), then the finalizer is removed and the API server finishes the deletion.</li>
 *   <li><b>Orphan</b>: the owner has the {@code orphan} finalizer; each dependent loses its
 *       reference to it, then the finalizer is removed.</li>
 * </ul>
 * The API server adds those finalizers on delete when it knows a collector runs
 * ({@code RegistryConfig.garbageCollector()}).
 *
 * <p>It watches every listable, watchable, deletable resource found by discovery ({@link Monitors}:
 * re-read every 30 s as kube's, and at once when a CustomResourceDefinition changes).
 * An owner missing from its graph is looked up live before a dependent is deleted, since the
 * graph may not yet have seen a new owner.
 *
 * <p>Thread model: informer threads update the {@link OwnerGraph} and enqueue uids; workers
 * sync one uid at a time (the queue never gives one to two workers). Every write is a
 * compare-and-set on the resourceVersion read, or a delete, so a sync is safe to repeat.
 */
public final class GarbageCollector implements Controller {

    public static final String NAME = "garbagecollector";
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    private static final String DELETE = "delete/";
    private static final String ORPHAN = "orphan/";

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final OwnerGraph graph = new OwnerGraph();
    private final WorkQueue<String> queue;
    private final Workers workers;
    private final Monitors monitors;

    public GarbageCollector(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        this.monitors = new Monitors(client, context.informers(), this::handler);
    }

    private ResourceEventHandler<GenericKubernetesResource> handler(ResourceDefinitionContext resource) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                enqueue(graph.observe(node(resource, obj)));
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                enqueue(graph.observe(node(resource, newObj)));
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) {
                enqueue(graph.remove(obj.getMetadata().getUid()));
            }
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run() {
        workers.start(config.workers());
        monitors.start(Monitors.RESYNC);
    }

    @Override
    public void close() {
        monitors.close();
        workers.close();
    }

    private void enqueue(OwnerGraph.Work work) {
        work.attemptToDelete().forEach(uid -> queue.add(DELETE + uid));
        work.orphan().forEach(uid -> queue.add(ORPHAN + uid));
    }

    static Node node(ResourceDefinitionContext resource, GenericKubernetesResource obj) {
        var m = obj.getMetadata();
        return new Node(new ObjectRef(resource, m.getNamespace() == null ? "" : m.getNamespace(), m.getName(), m.getUid()),
                m.getOwnerReferences() == null ? List.of() : m.getOwnerReferences(),
                m.getDeletionTimestamp() != null && !m.getDeletionTimestamp().isEmpty(),
                m.getFinalizers() == null ? List.of() : m.getFinalizers());
    }

    void sync(String key) {
        if (key.startsWith(ORPHAN)) {
            orphanDependents(key.substring(ORPHAN.length()));
        } else {
            attemptToDelete(key.substring(DELETE.length()));
        }
    }

    private void orphanDependents(String uid) {
        Node owner = graph.node(uid).orElse(null);
        if (owner == null || !owner.orphaning()) {
            return;
        }
        for (Node dependent : graph.dependentsOf(uid)) {
            removeReferences(dependent, Set.of(uid));
        }
        removeFinalizer(owner, Node.ORPHAN);
        LOG.debug("orphaned the dependents of {}", owner.ref());
    }

    private void attemptToDelete(String uid) {
        Node item = graph.node(uid).orElse(null);
        if (item == null) {
            return;
        }
        if (item.deletingDependents()) {
            switch (Decisions.forWaitingOwner(item, graph.dependentsOf(uid))) {
                case Decisions.RemoveFinalizer r -> removeFinalizer(item, r.finalizer());
                case Decisions.AwaitDependents a -> a.blocking().forEach(d -> queue.add(DELETE + d.ref().uid()));
                default -> throw new IllegalStateException("unexpected decision for a waiting owner");
            }
            return;
        }
        Map<String, OwnerState> states = new HashMap<>();
        for (OwnerReference o : item.owners()) {
            states.put(o.getUid(), ownerState(item, o));
        }
        Decisions.Decision decision = Decisions.forDependent(item, states, !graph.dependentsOf(uid).isEmpty());
        switch (decision) {
            case Decisions.Keep k -> {
            }
            case Decisions.RemoveReferences r -> removeReferences(item, r.ownerUids());
            case Decisions.Delete d -> delete(item, d.propagationPolicy());
            default -> throw new IllegalStateException("unexpected decision for a dependent: " + decision);
        }
    }

    private OwnerState ownerState(Node item, OwnerReference owner) {
        Node known = graph.node(owner.getUid()).orElse(null);
        if (known != null) {
            return known.deletingDependents() ? OwnerState.WAITING : OwnerState.SOLID;
        }
        // Not in the graph: gone, or too new for the informer. Ask the API server (kube's isDangling).
        String apiVersion = owner.getApiVersion() == null ? "" : owner.getApiVersion();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        ResourceDefinitionContext resource = monitors.byKind(group, owner.getKind()).orElse(null);
        if (resource == null) {
            throw new IllegalStateException(item.ref() + " names an owner of unknown kind " + apiVersion + " " + owner.getKind());
        }
        if (resource.isNamespaceScoped() && item.ref().namespace().isEmpty()) {
            return OwnerState.ABSENT; // a cluster-scoped object cannot be owned by a namespaced one
        }
        var op = client.genericKubernetesResources(resource);
        GenericKubernetesResource live = (resource.isNamespaceScoped()
                ? op.inNamespace(item.ref().namespace()).withName(owner.getName())
                : op.withName(owner.getName())).get();
        if (live == null || !owner.getUid().equals(live.getMetadata().getUid())) {
            return OwnerState.ABSENT;
        }
        return node(resource, live).deletingDependents() ? OwnerState.WAITING : OwnerState.SOLID;
    }

    private Resource<GenericKubernetesResource> resource(ObjectRef ref) {
        var op = client.genericKubernetesResources(ref.resource());
        return ref.namespace().isEmpty() ? op.withName(ref.name()) : op.inNamespace(ref.namespace()).withName(ref.name());
    }

    private void delete(Node item, String policy) {
        LOG.debug("deleting {} ({}): its owners are gone or waiting", item.ref(), policy);
        try {
            resource(item.ref()).withPropagationPolicy(DeletionPropagation.valueOf(policy.toUpperCase(java.util.Locale.ROOT)))
                    .delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** Removes the references to {@code ownerUids}; a conflict fails the sync, which retries. */
    private void removeReferences(Node item, Set<String> ownerUids) {
        GenericKubernetesResource live = resource(item.ref()).get();
        if (live == null || !item.ref().uid().equals(live.getMetadata().getUid())) {
            return;
        }
        List<OwnerReference> refs = live.getMetadata().getOwnerReferences() == null
                ? List.of() : live.getMetadata().getOwnerReferences();
        List<OwnerReference> kept = new ArrayList<>(refs.stream().filter(o -> !ownerUids.contains(o.getUid())).toList());
        if (kept.size() == refs.size()) {
            return;
        }
        live.getMetadata().setOwnerReferences(kept);
        update(item, live);
    }

    private void removeFinalizer(Node item, String finalizer) {
        GenericKubernetesResource live = resource(item.ref()).get();
        if (live == null || !item.ref().uid().equals(live.getMetadata().getUid())) {
            return;
        }
        List<String> finalizers = live.getMetadata().getFinalizers() == null ? List.of() : live.getMetadata().getFinalizers();
        if (!finalizers.contains(finalizer)) {
            return;
        }
        live.getMetadata().setFinalizers(new ArrayList<>(finalizers.stream().filter(f -> !f.equals(finalizer)).toList()));
        update(item, live);
        LOG.debug("removed the {} finalizer from {}", finalizer, item.ref());
    }

    private void update(Node item, GenericKubernetesResource live) {
        try {
            var op = client.genericKubernetesResources(item.ref().resource());
            (item.ref().namespace().isEmpty() ? op.resource(live) : op.inNamespace(item.ref().namespace()).resource(live))
                    .update();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
