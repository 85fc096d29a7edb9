package io.outpost.controllers.garbagecollector;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.outpost.controllers.runtime.Handlers;
import io.outpost.controllers.runtime.Informers;

/**
 * The collector's monitors: one metadata informer per deletable resource, kept in step with
 * discovery, as kube's collector re-reads discovery every 30 s ({@code GarbageCollector.Sync}) and
 * starts monitors for new resources and stops those of removed ones. Here a CustomResourceDefinition
 * added, changed or deleted also re-reads discovery at once, so a new custom resource's objects
 * are collected without waiting for the period.
 *
 * <p>A discovery that fails keeps the monitors as they are (kube keeps monitoring what it had).
 * Objects of a removed resource stay in the graph until their informer's deletions reach it;
 * a dependent whose owner is unknown is checked live before it is deleted anyway.
 *
 * <p>Thread model: the initial monitors are made on the controller manager's thread, before it
 * starts the informers. After {@link #start}, every re-read runs on one scheduler thread (the
 * periodic one and those the CRD informer asks for, coalesced), so monitors are never changed
 * concurrently; {@link #byKind} reads a concurrent map from any thread.
 */
final class Monitors implements AutoCloseable {

    /** kube's collector re-reads discovery this often. */
    static final Duration RESYNC = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(Monitors.class);

    private final KubernetesClient client;
    private final Informers informers;
    private final Function<ResourceDefinitionContext, ResourceEventHandler<GenericKubernetesResource>> handlers;
    /** "group/version/plural" to its resource. */
    private final Map<String, ResourceDefinitionContext> monitored = new ConcurrentHashMap<>();
    /** "group/Kind" to its resource, for looking owners up. */
    private final Map<String, ResourceDefinitionContext> byKind = new ConcurrentHashMap<>();
    private final AtomicBoolean resyncQueued = new AtomicBoolean();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "garbagecollector-discovery");
        t.setDaemon(true);
        return t;
    });

    Monitors(KubernetesClient client, Informers informers,
             Function<ResourceDefinitionContext, ResourceEventHandler<GenericKubernetesResource>> handlers) {
        this.client = client;
        this.informers = informers;
        this.handlers = handlers;
        for (ResourceDefinitionContext resource : Discovery.deletableResources(client)) {
            monitor(resource);
        }
        informers.of(CustomResourceDefinition.class).addEventHandler(Handlers.onEach(crd -> requestResync()));
    }

    /** Re-reads discovery every {@code period} from now on (the informers have been started). */
    void start(Duration period) {
        scheduler.scheduleWithFixedDelay(this::resync, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    Optional<ResourceDefinitionContext> byKind(String group, String kind) {
        return Optional.ofNullable(byKind.get(group + "/" + kind));
    }

    /** The resources monitored now, as "group/version/plural". */
    Set<String> monitored() {
        return Set.copyOf(monitored.keySet());
    }

    /** Asks for one re-read; several asked before it runs make one. */
    private void requestResync() {
        if (resyncQueued.compareAndSet(false, true) && !scheduler.isShutdown()) {
            scheduler.execute(() -> {
                resyncQueued.set(false);
                resync();
            });
        }
    }

    private void resync() {
        Set<String> found = new HashSet<>();
        try {
            for (ResourceDefinitionContext resource : Discovery.deletableResources(client)) {
                found.add(key(resource));
                if (!monitored.containsKey(key(resource))) {
                    monitor(resource).start();
                    LOG.info("garbage collector: monitoring {} (new in discovery)", key(resource));
                }
            }
        } catch (KubernetesClientException e) {
            LOG.warn("garbage collector: discovery failed, keeping the {} monitors: {}", monitored.size(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.warn("garbage collector: discovery re-read failed", e);
            return;
        }
        for (ResourceDefinitionContext gone : monitored.values()) {
            if (!found.contains(key(gone))) {
                monitored.remove(key(gone));
                byKind.remove(gone.getGroup() + "/" + gone.getKind(), gone);
                informers.removeMetadata(gone);
                LOG.info("garbage collector: stopped monitoring {} (gone from discovery)", key(gone));
            }
        }
    }

    private SharedIndexInformer<GenericKubernetesResource> monitor(ResourceDefinitionContext resource) {
        SharedIndexInformer<GenericKubernetesResource> informer = informers.ofMetadata(resource);
        informer.addEventHandler(handlers.apply(resource));
        monitored.put(key(resource), resource);
        byKind.put(resource.getGroup() + "/" + resource.getKind(), resource);
        return informer;
    }

    private static String key(ResourceDefinitionContext r) {
        return r.getGroup() + "/" + r.getVersion() + "/" + r.getPlural();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
