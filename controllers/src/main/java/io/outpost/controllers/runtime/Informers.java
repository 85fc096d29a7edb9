package io.outpost.controllers.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;

/**
 * The informers controllers share: one list+watch cache per resource over all namespaces, so the
 * Deployment and ReplicaSet controllers (and the garbage collector) watch pods once.
 *
 * <p>Why fabric8's {@code SharedIndexInformer} rather than our own list+watch cache: it is
 * maintained, already runs against our server (Fabric8InformerTest), handles relists on
 * 410 Gone, bookmarks, resync and indexers, and works against any Kubernetes API server, which the
 * controllers must. Our own would have to re-derive all of that for no measured gain.
 *
 * <p>Thread model: informers are created on the manager's thread before {@link #startAndSync};
 * fabric8 calls event handlers on one thread per informer. Handlers only enqueue keys.
 */
public final class Informers implements AutoCloseable {

    private final KubernetesClient client;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Object, SharedIndexInformer<?>> informers = new LinkedHashMap<>();

    public Informers(KubernetesClient client) {
        this.client = client;
    }

    public KubernetesClient client() {
        return client;
    }

    /** The shared informer of a typed resource over all namespaces, created on first use (not started). */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> SharedIndexInformer<T> of(Class<T> type) {
        lock.lock();
        try {
            return (SharedIndexInformer<T>) informers.computeIfAbsent(type,
                    t -> client.resources(type).inAnyNamespace().runnableInformer(0));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The shared informer of any resource, by its definition, whose cache keeps only the metadata
     * the garbage collector reads: uid, owner references, finalizers and the deletion timestamp
     * (kube's collector watches metadata only for the same reason). A cache of whole objects of
     * every resource would hold a second copy of the cluster in the server's heap: with 35,000
     * ConfigMaps of 2 KB in ApiBench it took the live heap from 214 to 489 MB.
     */
    public SharedIndexInformer<GenericKubernetesResource> ofMetadata(ResourceDefinitionContext resource) {
        lock.lock();
        try {
            String key = metadataKey(resource);
            @SuppressWarnings("unchecked")
            var informer = (SharedIndexInformer<GenericKubernetesResource>) informers.computeIfAbsent(key, k -> {
                var created = resource.isNamespaceScoped()
                        ? client.genericKubernetesResources(resource).inAnyNamespace().runnableInformer(0)
                        : client.genericKubernetesResources(resource).runnableInformer(0);
                return created.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE,
                        GenericKubernetesResource.class, client.getKubernetesSerialization(),
                        "metadata.uid", "metadata.ownerReferences", "metadata.finalizers", "metadata.deletionTimestamp"));
            });
            return informer;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops and forgets the metadata informer of {@code resource}, if there is one: its resource
     * has gone from discovery (a CustomResourceDefinition deleted).
     */
    public void removeMetadata(ResourceDefinitionContext resource) {
        SharedIndexInformer<?> informer;
        lock.lock();
        try {
            informer = informers.remove(metadataKey(resource));
        } finally {
            lock.unlock();
        }
        if (informer != null) {
            informer.stop();
        }
    }

    /**
     * Starts every informer not yet running and waits until each has listed once.
     *
     * @throws IllegalStateException if one has not synced within {@code timeout}
     */
    public void startAndSync(Duration timeout) throws InterruptedException {
        List<SharedIndexInformer<?>> all;
        lock.lock();
        try {
            all = new ArrayList<>(informers.values());
        } finally {
            lock.unlock();
        }
        List<java.util.concurrent.CompletableFuture<Void>> started = new ArrayList<>();
        for (SharedIndexInformer<?> informer : all) {
            if (!informer.isRunning()) {
                started.add(informer.start().toCompletableFuture());
            }
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(started.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("informers did not sync within " + timeout, e);
        }
    }

    private static String metadataKey(ResourceDefinitionContext resource) {
        return resource.getGroup() + "/" + resource.getVersion() + "/" + resource.getPlural();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            informers.values().forEach(SharedIndexInformer::stop);
            informers.clear();
        } finally {
            lock.unlock();
        }
    }
}
