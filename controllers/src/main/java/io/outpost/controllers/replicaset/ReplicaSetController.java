package io.outpost.controllers.replicaset;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.outpost.controllers.common.ControllerRefs;
import io.outpost.controllers.common.OwnedPodEvents;
import io.outpost.controllers.common.Pods;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.EventRecorder;
import io.outpost.controllers.runtime.Expectations;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * The ReplicaSet controller (kube's {@code pkg/controller/replicaset}): keeps
 * {@code spec.replicas} active pods matching each ReplicaSet's selector, adopting orphans and
 * releasing pods that no longer match, and reports replicas, fullyLabeledReplicas,
 * readyReplicas, availableReplicas, observedGeneration and the ReplicaFailure condition.
 *
 * <p>It creates at most {@link #BURST} pods per sync, in slow-start batches, and records
 * {@link Expectations} first: until the informer has shown every creation and deletion it asked
 * for (or 5 minutes passed), it only updates status, so it never creates twice from a stale cache.
 *
 * <p>Thread model: informer threads run the handlers, which only record observations and enqueue
 * ReplicaSet keys ("namespace/name"); {@code config.workers()} workers sync keys, never one key in
 * two workers. A sync reads only the informers' caches and writes only through the API.
 */
public final class ReplicaSetController implements Controller {

    public static final String NAME = "replicaset";
    /** kube's {@code BurstReplicas}: the most pods created or deleted in one sync. */
    static final int BURST = 500;
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetController.class);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<Pod> pods;
    private final Expectations expectations;
    private final WorkQueue<String> queue;
    private final Workers workers;
    private final EventRecorder events;

    public ReplicaSetController(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.replicaSets = context.informers().of(ReplicaSet.class);
        this.pods = context.informers().of(Pod.class);
        this.expectations = new Expectations(config.clock());
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        this.events = context.recorder("replicaset-controller");
        replicaSets.addEventHandler(new ResourceEventHandler<ReplicaSet>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                queue.add(Pods.key(rs));
            }

            @Override
            public void onUpdate(ReplicaSet old, ReplicaSet cur) {
                queue.add(Pods.key(cur));
            }

            @Override
            public void onDelete(ReplicaSet rs, boolean finalStateUnknown) {
                expectations.delete(Pods.key(rs));
                queue.add(Pods.key(rs));
            }
        });
        pods.addEventHandler(new OwnedPodEvents<>(new OwnedPodEvents.Owners<>(replicaSets, "apps", "ReplicaSet",
                rs -> rs.getSpec().getSelector(), rs -> rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds()),
                expectations, queue));
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

    // ---- sync ----

    void sync(String key) throws Exception {
        ReplicaSet rs = replicaSets.getStore().getByKey(key);
        if (rs == null) {
            expectations.delete(key);
            return;
        }
        boolean needsSync = expectations.satisfied(key);
        String namespace = rs.getMetadata().getNamespace();
        List<Pod> candidates = new ArrayList<>();
        for (Pod p : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
            if (Pods.isActive(p)) {
                candidates.add(p);
            }
        }
        List<Pod> owned = ControllerRefs.claim(client, rs, rs.getSpec().getSelector(), candidates, Pod.class,
                () -> canAdopt(rs));
        Exception manageError = null;
        int desired = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
        boolean scalingUp = owned.size() < desired;
        if (needsSync && rs.getMetadata().getDeletionTimestamp() == null) {
            try {
                manageReplicas(rs, key, owned, desired);
            } catch (KubernetesClientException e) {
                manageError = e;
            }
        }
        Instant now = config.clock().instant();
        ReplicaSetStatus status = Status.calculate(rs, owned, manageError, scalingUp, now);
        ReplicaSet updated = updateStatus(rs, status);
        int minReady = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
        if (manageError == null && updated != null && minReady > 0
                && Objects.equals(status.getReadyReplicas(), desired)
                && !Objects.equals(status.getAvailableReplicas(), desired)) {
            queue.addAfter(key, Duration.ofSeconds(minReady));
        }
        if (manageError != null) {
            throw manageError;
        }
    }

    private boolean canAdopt(ReplicaSet cached) {
        ReplicaSet fresh = client.apps().replicaSets().inNamespace(cached.getMetadata().getNamespace())
                .withName(cached.getMetadata().getName()).get();
        return fresh != null && Objects.equals(fresh.getMetadata().getUid(), cached.getMetadata().getUid())
                && fresh.getMetadata().getDeletionTimestamp() == null;
    }

    private void manageReplicas(ReplicaSet rs, String key, List<Pod> owned, int desired) throws InterruptedException {
        int diff = owned.size() - desired;
        if (diff < 0) {
            int create = Math.min(-diff, BURST);
            expectations.expectCreations(key, create);
            LOG.debug("{}: too few replicas, need {}, creating {}", key, desired, create);
            SlowStart.Result result = SlowStart.run(create, 1, () -> createPod(rs));
            int skipped = create - result.successes();
            for (int i = 0; i < skipped; i++) {
                // Those never asked for (or refused) will never be observed.
                expectations.creationObserved(key);
            }
            if (result.firstError() instanceof KubernetesClientException e) {
                throw e;
            } else if (result.firstError() != null) {
                throw new KubernetesClientException(result.firstError().getMessage(), result.firstError());
            }
        } else if (diff > 0) {
            int delete = Math.min(diff, BURST);
            LOG.debug("{}: too many replicas, need {}, deleting {}", key, desired, delete);
            List<Pod> victims = DeletionRanking.podsToDelete(owned, owned, delete);
            expectations.expectDeletions(key, victims.stream().map(Pods::key).toList());
            KubernetesClientException first = null;
            for (Pod victim : victims) {
                try {
                    client.pods().inNamespace(victim.getMetadata().getNamespace()).withName(victim.getMetadata().getName())
                            .delete();
                    events.event(rs, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted pod: " + victim.getMetadata().getName());
                } catch (KubernetesClientException e) {
                    expectations.deletionObserved(key, Pods.key(victim));
                    if (e.getCode() != 404) {
                        events.event(rs, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + e.getMessage());
                        first = first == null ? e : first;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    private void createPod(ReplicaSet rs) {
        var template = rs.getSpec().getTemplate();
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        Map<String, String> labels = tm.getLabels() == null ? new HashMap<>() : new HashMap<>(tm.getLabels());
        Pod pod = new PodBuilder().withNewMetadata()
                .withGenerateName(rs.getMetadata().getName() + "-")
                .withNamespace(rs.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(tm.getAnnotations())
                .withFinalizers(tm.getFinalizers())
                .withOwnerReferences(ControllerRefs.controllerRef(rs))
                .endMetadata()
                .withSpec(template.getSpec()).build();
        try {
            Pod created = client.pods().inNamespace(rs.getMetadata().getNamespace()).resource(pod).create();
            events.event(rs, EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
        } catch (KubernetesClientException e) {
            events.event(rs, EventRecorder.WARNING, "FailedCreate", "Error creating: " + e.getMessage());
            throw e;
        }
    }

    /** Writes the status if it changed (kube's {@code updateReplicaSetStatus}), once more on a conflict. */
    private ReplicaSet updateStatus(ReplicaSet rs, ReplicaSetStatus status) {
        ReplicaSet current = rs;
        for (int attempt = 0; attempt < 2; attempt++) {
            if (Objects.equals(current.getStatus(), status)) {
                return current;
            }
            ReplicaSet next = new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder(current).withStatus(status).build();
            try {
                return client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(next).updateStatus();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return null;
                }
                if (e.getCode() != 409 || attempt == 1) {
                    throw e;
                }
                current = client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace())
                        .withName(rs.getMetadata().getName()).get();
                if (current == null) {
                    return null;
                }
                status.setObservedGeneration(current.getMetadata().getGeneration());
            }
        }
        return null;
    }
}
