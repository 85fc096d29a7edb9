package io.outpost.controllers.statefulset;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.outpost.controllers.common.ControllerRefs;
import io.outpost.controllers.common.OwnedPodEvents;
import io.outpost.controllers.common.Pods;
import io.outpost.controllers.common.Selectors;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.EventRecorder;
import io.outpost.controllers.runtime.Expectations;
import io.outpost.controllers.runtime.Handlers;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * The StatefulSet controller (kube's {@code pkg/controller/statefulset}): pods with stable names
 * and identities ({@link Identity}), made and removed in ordinal order or all at once, and rolled
 * to a new template from the highest ordinal down to the partition ({@link Decision}); templates
 * are kept as ControllerRevisions ({@link Revisions}), so {@code kubectl rollout
 * history/undo/status statefulset} work.
 *
 * <p>Not done: {@code volumeClaimTemplates} and {@code persistentVolumeClaimRetentionPolicy}
 * (Outpost serves no PersistentVolumeClaims yet: the pods are made without claims), and the alpha
 * {@code maxUnavailable} of a rolling update (one pod at a time, as kube without the gate).
 *
 * <p>Thread model: informer threads run the handlers, which only record observations and enqueue
 * StatefulSet keys ("namespace/name"); {@code config.workers()} workers sync keys, never one key in
 * two workers. A sync reads only the informers' caches and writes only through the API; it acts
 * on its pods only once its {@link Expectations} are met, so an ordered set never takes its next
 * step from a cache that has not yet shown the previous one.
 */
public final class StatefulSetController implements Controller {

    public static final String NAME = "statefulset";
    private static final Logger LOG = LoggerFactory.getLogger(StatefulSetController.class);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final SharedIndexInformer<StatefulSet> sets;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<ControllerRevision> revisions;
    private final Expectations expectations;
    private final Revisions history;
    private final WorkQueue<String> queue;
    private final Workers workers;
    private final EventRecorder events;

    public StatefulSetController(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.sets = context.informers().of(StatefulSet.class);
        this.pods = context.informers().of(Pod.class);
        this.revisions = context.informers().of(ControllerRevision.class);
        this.expectations = new Expectations(config.clock());
        this.history = new Revisions(client);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        this.events = context.recorder("statefulset-controller");
        sets.addEventHandler(Handlers.onEach(set -> queue.add(Pods.key(set))));
        sets.addEventHandler(Handlers.onDelete(set -> expectations.delete(Pods.key(set))));
        pods.addEventHandler(new OwnedPodEvents<>(new OwnedPodEvents.Owners<>(sets, "apps", "StatefulSet",
                set -> set.getSpec().getSelector(),
                set -> set.getSpec().getMinReadySeconds() == null ? 0 : set.getSpec().getMinReadySeconds()), expectations, queue));
        revisions.addEventHandler(Handlers.onEach(r -> Pods.controllerOf(r).map(ref -> resolve(r.getMetadata().getNamespace(), ref))
                .ifPresent(set -> queue.add(Pods.key(set)))));
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
        events.close();
    }

    // ---- event handlers: record what was observed, enqueue the owner ----

    private StatefulSet resolve(String namespace, OwnerReference ref) {
        return Pods.resolveControllerRef(sets.getStore(), "apps", "StatefulSet", namespace, ref);
    }

    // ---- sync ----

    void sync(String key) throws Exception {
        StatefulSet set = sets.getStore().getByKey(key);
        if (set == null) {
            expectations.delete(key);
            return;
        }
        if (Selectors.isEmpty(set.getSpec().getSelector())) {
            events.event(set, EventRecorder.WARNING, "SelectingAll", "This statefulset is selecting all pods. A non-empty selector is required.");
            return;
        }
        if (set.getSpec().getVolumeClaimTemplates() != null && !set.getSpec().getVolumeClaimTemplates().isEmpty()) {
            // Said, not faked: a pod that mounts a claim's volume will be refused until claims exist.
            events.event(set, EventRecorder.WARNING, "VolumeClaimTemplatesUnsupported", "volumeClaimTemplates are not "
                    + "supported yet (Outpost serves no PersistentVolumeClaims): pods are created without their claims");
        }
        String namespace = set.getMetadata().getNamespace();
        List<ControllerRevision> ownedRevisions = ControllerRefs.claim(client, set, set.getSpec().getSelector(),
                revisions.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace), ControllerRevision.class, () -> canAdopt(set));
        // kube claims every pod, active or not: a Failed pod keeps its ordinal until replaced.
        List<Pod> owned = ControllerRefs.claim(client, set, set.getSpec().getSelector(),
                pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace), Pod.class, () -> canAdopt(set));
        Revisions.Pair pair = history.resolve(set, ownedRevisions);
        Instant now = config.clock().instant();
        Decision.Actions actions = Decision.decide(set, owned, pair.forDecision(), now);
        Exception failure = null;
        if (expectations.satisfied(key) && !actions.none()) {
            try {
                apply(set, key, actions);
            } catch (KubernetesClientException e) {
                failure = e;
            }
        }
        StatefulSetStatus status = actions.status();
        status.setCollisionCount(pair.collisionCount());
        updateStatus(set, status);
        history.truncate(set, ownedRevisions, owned, pair);
        int minReady = set.getSpec().getMinReadySeconds() == null ? 0 : set.getSpec().getMinReadySeconds();
        if (minReady > 0 && !Objects.equals(status.getReadyReplicas(), status.getAvailableReplicas())) {
            queue.addAfter(key, Duration.ofSeconds(minReady));
        }
        if (failure != null) {
            throw failure;
        }
    }

    private boolean canAdopt(StatefulSet cached) {
        StatefulSet fresh = client.apps().statefulSets().inNamespace(cached.getMetadata().getNamespace())
                .withName(cached.getMetadata().getName()).get();
        return fresh != null && Objects.equals(fresh.getMetadata().getUid(), cached.getMetadata().getUid())
                && fresh.getMetadata().getDeletionTimestamp() == null;
    }

    /** Deletes, then creates, then restores identities, expecting the creations and deletions first. */
    private void apply(StatefulSet set, String key, Decision.Actions actions) {
        expectations.expect(key, actions.create().size(), actions.delete().stream().map(Pods::key).toList());
        String name = set.getMetadata().getName();
        KubernetesClientException first = null;
        for (Pod pod : actions.delete()) {
            try {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
                events.event(set, EventRecorder.NORMAL, "SuccessfulDelete", "delete Pod " + pod.getMetadata().getName()
                        + " in StatefulSet " + name + " successful");
            } catch (KubernetesClientException e) {
                expectations.deletionObserved(key, Pods.key(pod));
                if (e.getCode() != 404) {
                    events.event(set, EventRecorder.WARNING, "FailedDelete", "delete Pod " + pod.getMetadata().getName()
                            + " in StatefulSet " + name + " failed error: " + e.getMessage());
                    first = first == null ? e : first;
                }
            }
        }
        for (Pod pod : actions.create()) {
            try {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
                events.event(set, EventRecorder.NORMAL, "SuccessfulCreate", "create Pod " + pod.getMetadata().getName()
                        + " in StatefulSet " + name + " successful");
            } catch (KubernetesClientException e) {
                expectations.creationObserved(key);
                if (e.getCode() == 409) {
                    LOG.debug("{}: pod {} exists already; the cache will show it", key, pod.getMetadata().getName());
                    continue; // made earlier, not yet in the cache (or still going): the next sync sees it
                }
                events.event(set, EventRecorder.WARNING, "FailedCreate", "create Pod " + pod.getMetadata().getName()
                        + " in StatefulSet " + name + " failed error: " + e.getMessage());
                first = first == null ? e : first;
            }
        }
        for (Pod pod : actions.restore()) {
            try {
                client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).update();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404 && e.getCode() != 409) {
                    first = first == null ? e : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Writes the status if it changed (kube's {@code updateStatefulSetStatus}), once more on a conflict. */
    private void updateStatus(StatefulSet set, StatefulSetStatus status) {
        StatefulSet current = set;
        for (int attempt = 0; attempt < 2; attempt++) {
            if (Objects.equals(current.getStatus(), status)) {
                return;
            }
            StatefulSet next = new StatefulSetBuilder(current).withStatus(status).build();
            try {
                client.apps().statefulSets().inNamespace(set.getMetadata().getNamespace()).resource(next).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return;
                }
                if (e.getCode() != 409 || attempt == 1) {
                    throw e;
                }
                current = client.apps().statefulSets().inNamespace(set.getMetadata().getNamespace())
                        .withName(set.getMetadata().getName()).get();
                if (current == null) {
                    return;
                }
            }
        }
    }
}
