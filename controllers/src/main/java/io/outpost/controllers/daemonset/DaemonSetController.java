package io.outpost.controllers.daemonset;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.outpost.controllers.common.ControllerRefs;
import io.outpost.controllers.common.History;
import io.outpost.controllers.common.OwnedPodEvents;
import io.outpost.controllers.common.Pods;
import io.outpost.controllers.common.Selectors;
import io.outpost.controllers.replicaset.SlowStart;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.EventRecorder;
import io.outpost.controllers.runtime.Expectations;
import io.outpost.controllers.runtime.Handlers;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * The DaemonSet controller (kube's {@code pkg/controller/daemon}): one pod per node that should
 * run the daemon ({@link Eligibility}), pinned to it by a {@code metadata.name} node affinity
 * and bound by the scheduler, as kube does since 1.12; pods on nodes that should not run it are
 * deleted ({@link NodePlan}); a changed template rolls out node by node within
 * {@code maxUnavailable} and {@code maxSurge} ({@link RollingUpdate}), or waits for pods to be
 * deleted by hand (OnDelete). Templates are kept as ControllerRevisions ({@link Revisions}), so
 * {@code kubectl rollout history/undo/status daemonset} work.
 *
 * <p>On the edge this is the usual way to run a thing per site (a log shipper, a device bridge),
 * and a node's daemon tolerates the node going silent: it is not evicted for being unreachable.
 *
 * <p>Thread model: informer threads run the handlers, which only record observations and enqueue
 * DaemonSet keys ("namespace/name"); {@code config.workers()} workers sync keys, never one key in
 * two workers. A sync reads only the informers' caches and writes only through the API; it acts
 * on placement only once its {@link Expectations} are met, so it never creates twice from a
 * stale cache.
 */
public final class DaemonSetController implements Controller {

    public static final String NAME = "daemonset";
    /** kube's DaemonSet {@code BurstReplicas}: the most pods created or deleted in one sync. */
    static final int BURST = 250;
    private static final Logger LOG = LoggerFactory.getLogger(DaemonSetController.class);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final SharedIndexInformer<DaemonSet> daemonSets;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<ControllerRevision> revisions;
    private final Expectations expectations;
    private final FailedPodBackoff backoff = new FailedPodBackoff();
    private final Revisions history;
    private final WorkQueue<String> queue;
    private final Workers workers;
    private final EventRecorder events;

    public DaemonSetController(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.daemonSets = context.informers().of(DaemonSet.class);
        this.pods = context.informers().of(Pod.class);
        this.nodes = context.informers().of(Node.class);
        this.revisions = context.informers().of(ControllerRevision.class);
        this.expectations = new Expectations(config.clock());
        this.history = new Revisions(client);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        this.events = context.recorder("daemonset-controller");
        daemonSets.addEventHandler(Handlers.onEach(ds -> queue.add(Pods.key(ds))));
        daemonSets.addEventHandler(Handlers.onDelete(ds -> expectations.delete(Pods.key(ds))));
        pods.addEventHandler(new OwnedPodEvents<>(new OwnedPodEvents.Owners<>(daemonSets, "apps", "DaemonSet",
                ds -> ds.getSpec().getSelector(), NodePlan::minReadySeconds), expectations, queue));
        nodes.addEventHandler(Handlers.onChange(this::nodeChanged));
        revisions.addEventHandler(Handlers.onEach(r -> Pods.controllerOf(r).map(ref -> resolve(r.getMetadata().getNamespace(), ref))
                .ifPresent(ds -> queue.add(Pods.key(ds)))));
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

    private DaemonSet resolve(String namespace, OwnerReference ref) {
        return Pods.resolveControllerRef(daemonSets.getStore(), "apps", "DaemonSet", namespace, ref);
    }

    /** A node added, deleted, or changed in what placement reads: every DaemonSet looks again. */
    private void nodeChanged(Node old, Node cur) {
        if (old != null && Objects.equals(old.getMetadata().getLabels(), cur.getMetadata().getLabels())
                && Objects.equals(old.getSpec(), cur.getSpec())) {
            return; // status only (heartbeats): placement does not read it
        }
        for (DaemonSet ds : daemonSets.getStore().list()) {
            queue.add(Pods.key(ds));
        }
    }

    // ---- sync ----

    void sync(String key) throws Exception {
        DaemonSet ds = daemonSets.getStore().getByKey(key);
        if (ds == null) {
            expectations.delete(key);
            return;
        }
        Instant now = config.clock().instant();
        backoff.gc(now);
        if (Selectors.isEmpty(ds.getSpec().getSelector())) {
            events.event(ds, EventRecorder.WARNING, "SelectingAll", "This daemon set is selecting all pods. A non-empty selector is required.");
            return;
        }
        if (ds.getMetadata().getDeletionTimestamp() != null) {
            return; // the garbage collector removes its pods and revisions
        }
        String namespace = ds.getMetadata().getNamespace();
        List<Node> nodeList = nodes.getStore().list();
        List<Pod> owned = ControllerRefs.claim(client, ds, ds.getSpec().getSelector(),
                pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace), Pod.class, () -> canAdopt(ds));
        List<ControllerRevision> ownedRevisions = ControllerRefs.claim(client, ds, ds.getSpec().getSelector(),
                revisions.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace), ControllerRevision.class, () -> canAdopt(ds));
        Revisions.Split split = history.construct(ds, ownedRevisions, owned);
        String hash = split.hash();
        Map<String, List<Pod>> byNode = NodePlan.byNode(owned);
        boolean satisfied = expectations.satisfied(key);
        Exception failure = null;
        if (satisfied) {
            try {
                manage(ds, key, nodeList, byNode, hash, now);
                history.cleanup(ds, split.old(), owned);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failure = e; // the status is written all the same, as kube's syncDaemonSet does
            }
        }
        // Without acting on this generation (expectations pending), observedGeneration stays, as kube's.
        DaemonSetStatus status = Status.calculate(ds, nodeList, byNode, hash, now, satisfied);
        updateStatus(ds, status);
        int minReady = NodePlan.minReadySeconds(ds);
        if (minReady > 0 && !Objects.equals(status.getNumberReady(), status.getNumberAvailable())) {
            queue.addAfter(key, Duration.ofSeconds(minReady));
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Placement, then (once the placement's own creations and deletions are seen) one rolling-update step. */
    private void manage(DaemonSet ds, String key, List<Node> nodeList, Map<String, List<Pod>> byNode, String hash,
                        Instant now) throws Exception {
        // kube's AllowsSurge: maxSurge resolved against one node, so any non-zero percentage surges.
        boolean surge = "RollingUpdate".equals(strategy(ds)) && RollingUpdate.limits(ds, 1).maxSurge() > 0;
        NodePlan.Result plan = NodePlan.plan(ds, nodeList, byNode, hash, surge, now, backoff);
        for (Pod failed : plan.failedPods()) {
            events.event(ds, EventRecorder.WARNING, "FailedDaemonPod", "Found failed daemon pod " + Pods.key(failed)
                    + " on node " + Eligibility.targetNode(failed) + ", will try to kill it");
        }
        for (Pod done : plan.succeededPods()) {
            events.event(ds, EventRecorder.NORMAL, "SucceededDaemonPod", "Found succeeded daemon pod " + Pods.key(done)
                    + " on node " + Eligibility.targetNode(done) + ", will try to delete it");
        }
        syncNodes(ds, key, plan.podsToDelete(), plan.nodesNeedingPods(), hash);
        if (plan.retryAfter() != null) {
            queue.addAfter(key, plan.retryAfter());
        }
        if (expectations.satisfied(key) && "RollingUpdate".equals(strategy(ds))) {
            RollingUpdate.Step step = RollingUpdate.step(ds, nodeList, byNode, hash, now);
            syncNodes(ds, key, step.delete(), step.create(), hash);
        }
    }

    static String strategy(DaemonSet ds) {
        return ds.getSpec().getUpdateStrategy() == null || ds.getSpec().getUpdateStrategy().getType() == null
                ? "RollingUpdate" : ds.getSpec().getUpdateStrategy().getType();
    }

    private boolean canAdopt(DaemonSet cached) {
        DaemonSet fresh = client.apps().daemonSets().inNamespace(cached.getMetadata().getNamespace())
                .withName(cached.getMetadata().getName()).get();
        return fresh != null && Objects.equals(fresh.getMetadata().getUid(), cached.getMetadata().getUid())
                && fresh.getMetadata().getDeletionTimestamp() == null;
    }

    /** Deletes and creates (kube's {@code syncNodes}), at most {@link #BURST} of each, expecting them first. */
    private void syncNodes(DaemonSet ds, String key, List<Pod> delete, List<String> create, String hash) throws Exception {
        if (delete.isEmpty() && create.isEmpty()) {
            return;
        }
        List<Pod> victims = delete.subList(0, Math.min(BURST, delete.size()));
        List<String> targets = create.subList(0, Math.min(BURST, create.size()));
        expectations.expect(key, targets.size(), victims.stream().map(Pods::key).toList());
        LOG.debug("{}: creating {} pods, deleting {}", key, targets.size(), victims.size());
        KubernetesClientException first = null;
        for (Pod victim : victims) {
            try {
                client.pods().inNamespace(victim.getMetadata().getNamespace()).withName(victim.getMetadata().getName()).delete();
                events.event(ds, EventRecorder.NORMAL, "SuccessfulDelete", "Deleted pod: " + victim.getMetadata().getName());
            } catch (KubernetesClientException e) {
                expectations.deletionObserved(key, Pods.key(victim));
                if (e.getCode() != 404) {
                    events.event(ds, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + e.getMessage());
                    first = first == null ? e : first;
                }
            }
        }
        Queue<String> pending = new ConcurrentLinkedQueue<>(targets);
        SlowStart.Result result = SlowStart.run(targets.size(), 1, () -> createPod(ds, pending.remove(), hash));
        for (int i = result.successes(); i < targets.size(); i++) {
            expectations.creationObserved(key); // refused or never asked: never observed
        }
        if (result.firstError() != null) {
            throw result.firstError();
        }
        if (first != null) {
            throw first;
        }
    }

    private void createPod(DaemonSet ds, String nodeName, String hash) {
        var template = ds.getSpec().getTemplate();
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        Map<String, String> labels = tm.getLabels() == null ? new HashMap<>() : new HashMap<>(tm.getLabels());
        labels.put(History.HASH_LABEL, hash);
        PodSpec spec = new PodSpecBuilder(template.getSpec()).build();
        spec.setAffinity(Eligibility.pinnedTo(spec.getAffinity(), nodeName));
        spec.setTolerations(Eligibility.withDefaultTolerations(spec.getTolerations(), Boolean.TRUE.equals(spec.getHostNetwork())));
        Pod pod = new PodBuilder().withNewMetadata()
                .withGenerateName(ds.getMetadata().getName() + "-")
                .withNamespace(ds.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(tm.getAnnotations())
                .withFinalizers(tm.getFinalizers())
                .withOwnerReferences(ControllerRefs.controllerRef(ds))
                .endMetadata()
                .withSpec(spec).build();
        try {
            Pod created = client.pods().inNamespace(ds.getMetadata().getNamespace()).resource(pod).create();
            events.event(ds, EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: " + created.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (namespaceTerminating(e)) {
                return; // every later creation would fail the same way; the namespace takes the DaemonSet with it
            }
            events.event(ds, EventRecorder.WARNING, "FailedCreate", "Error creating: " + e.getMessage());
            throw e;
        }
    }

    /** Whether a refusal carries kube's NamespaceTerminating cause. */
    private static boolean namespaceTerminating(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getDetails() != null && e.getStatus().getDetails().getCauses() != null
                && e.getStatus().getDetails().getCauses().stream().anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }

    /** Writes the status if it changed (kube's {@code storeDaemonSetStatus}), once more on a conflict. */
    private void updateStatus(DaemonSet ds, DaemonSetStatus status) {
        DaemonSet current = ds;
        for (int attempt = 0; attempt < 2; attempt++) {
            if (Objects.equals(current.getStatus(), status)) {
                return;
            }
            DaemonSet next = new DaemonSetBuilder(current).withStatus(status).build();
            try {
                client.apps().daemonSets().inNamespace(ds.getMetadata().getNamespace()).resource(next).updateStatus();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 404) {
                    return;
                }
                if (e.getCode() != 409 || attempt == 1) {
                    throw e;
                }
                current = client.apps().daemonSets().inNamespace(ds.getMetadata().getNamespace())
                        .withName(ds.getMetadata().getName()).get();
                if (current == null) {
                    return;
                }
                // A collision counted meanwhile must survive this write.
                status.setCollisionCount(current.getStatus() == null ? null : current.getStatus().getCollisionCount());
            }
        }
    }
}
