package io.outpost.controllers.deployment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.outpost.controllers.common.ControllerRefs;
import io.outpost.controllers.common.Pods;
import io.outpost.controllers.common.Selectors;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.EventRecorder;
import io.outpost.controllers.runtime.Handlers;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * The Deployment controller (kube's {@code pkg/controller/deployment}): rolls a Deployment's pod
 * template out through ReplicaSets named {@code <deployment>-<pod-template-hash>}: RollingUpdate
 * within maxSurge/maxUnavailable, or Recreate (old pods gone before new ones start); proportional
 * scaling mid-rollout; pause and resume; revision annotations and revisionHistoryLimit (so
 * {@code kubectl rollout history/undo} work: kubectl 1.27+ undoes client-side by writing an old
 * template back, which makes that old ReplicaSet the new one again); the Progressing condition
 * with progressDeadlineSeconds, the Available condition and observedGeneration (so
 * {@code kubectl rollout status} ends when the new pods are available).
 *
 * <p>Thread model: informer threads run the handlers, which only enqueue Deployment keys;
 * {@code config.workers()} workers run {@link #sync}, never two on one key. A sync reads the
 * caches and writes through the API; the next sync continues from what it wrote.
 */
public final class DeploymentController implements Controller {

    public static final String NAME = "deployment";

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final SharedIndexInformer<Deployment> deployments;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<Pod> pods;
    private final WorkQueue<String> queue;
    private final Workers workers;
    private final EventRecorder events;

    public DeploymentController(ControllerContext context, ControllerConfig config) {
        this.client = context.client();
        this.config = config;
        this.deployments = context.informers().of(Deployment.class);
        this.replicaSets = context.informers().of(ReplicaSet.class);
        this.pods = context.informers().of(Pod.class);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        this.events = context.recorder("deployment-controller");
        deployments.addEventHandler(Handlers.onEach(d -> queue.add(Pods.key(d))));
        replicaSets.addEventHandler(new ResourceEventHandler<ReplicaSet>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                replicaSetChanged(null, rs);
            }

            @Override
            public void onUpdate(ReplicaSet old, ReplicaSet cur) {
                replicaSetChanged(old, cur);
            }

            @Override
            public void onDelete(ReplicaSet rs, boolean finalStateUnknown) {
                Deployment d = Pods.controllerOf(rs).map(ref -> resolve(rs.getMetadata().getNamespace(), ref)).orElse(null);
                if (d != null) {
                    queue.add(Pods.key(d));
                }
            }
        });
        pods.addEventHandler(new ResourceEventHandler<Pod>() {
            @Override
            public void onAdd(Pod pod) {
            }

            @Override
            public void onUpdate(Pod old, Pod cur) {
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                // A Recreate rollout waits for the old pods to be gone.
                ReplicaSet rs = Pods.controllerOf(pod).map(ref -> replicaSets.getStore()
                        .getByKey(pod.getMetadata().getNamespace() + "/" + ref.getName())).orElse(null);
                Deployment d = rs == null ? null
                        : Pods.controllerOf(rs).map(ref -> resolve(rs.getMetadata().getNamespace(), ref)).orElse(null);
                if (d != null && !Replicas.isRollingUpdate(d)) {
                    queue.add(Pods.key(d));
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
        events.close();
    }

    private Deployment resolve(String namespace, OwnerReference ref) {
        if (!"Deployment".equals(ref.getKind())) {
            return null;
        }
        Deployment d = deployments.getStore().getByKey(namespace + "/" + ref.getName());
        return d != null && Objects.equals(d.getMetadata().getUid(), ref.getUid()) ? d : null;
    }

    private void replicaSetChanged(ReplicaSet old, ReplicaSet cur) {
        var curRef = Pods.controllerOf(cur);
        if (old != null) {
            var oldRef = Pods.controllerOf(old);
            if (oldRef.isPresent() && !Objects.equals(oldRef.map(OwnerReference::getUid), curRef.map(OwnerReference::getUid))) {
                Deployment d = resolve(old.getMetadata().getNamespace(), oldRef.get());
                if (d != null) {
                    queue.add(Pods.key(d));
                }
            }
        }
        if (curRef.isPresent()) {
            Deployment d = resolve(cur.getMetadata().getNamespace(), curRef.get());
            if (d != null) {
                queue.add(Pods.key(d));
            }
            return;
        }
        // An orphan: every Deployment that would adopt it looks at it.
        for (Deployment d : deployments.getIndexer().byIndex(Cache.NAMESPACE_INDEX, cur.getMetadata().getNamespace())) {
            if (!Selectors.isEmpty(d.getSpec().getSelector())
                    && Selectors.matches(d.getSpec().getSelector(), cur.getMetadata().getLabels())) {
                queue.add(Pods.key(d));
            }
        }
    }

    // ---- sync ----

    void sync(String key) {
        Deployment cached = deployments.getStore().getByKey(key);
        if (cached == null) {
            return;
        }
        Deployment d = new DeploymentBuilder(cached).build();
        Instant now = config.clock().instant();
        if (Selectors.isEmpty(d.getSpec().getSelector())) {
            events.event(d, EventRecorder.WARNING, "SelectingAll",
                    "This deployment is selecting all pods. A non-empty selector is required.");
            if (d.getStatus() == null || d.getStatus().getObservedGeneration() == null
                    || d.getStatus().getObservedGeneration() < d.getMetadata().getGeneration()) {
                DeploymentStatus status = d.getStatus() == null ? new DeploymentStatus() : new DeploymentStatusBuilder(d.getStatus()).build();
                status.setObservedGeneration(d.getMetadata().getGeneration());
                new Rollout(client, events, now, d, List.of()).writeStatus(status);
            }
            return;
        }
        List<ReplicaSet> candidates = replicaSets.getIndexer().byIndex(Cache.NAMESPACE_INDEX, d.getMetadata().getNamespace());
        Deployment forAdoption = d;
        List<ReplicaSet> owned = ControllerRefs.claim(client, d, d.getSpec().getSelector(), candidates, ReplicaSet.class,
                () -> canAdopt(forAdoption));
        Rollout rollout = new Rollout(client, events, now, d, owned);
        if (d.getMetadata().getDeletionTimestamp() != null) {
            ReplicaSet newRS = rollout.findNew();
            List<ReplicaSet> old = rollout.findOld(newRS);
            rollout.writeStatus(Conditions.calculate(Rollout.all(newRS, old), newRS, d, now));
            return;
        }
        checkPaused(rollout, now);
        d = rollout.deployment();
        if (Boolean.TRUE.equals(d.getSpec().getPaused()) || isScalingEvent(rollout)) {
            syncScale(rollout, now);
            return;
        }
        if (Replicas.isRollingUpdate(d)) {
            rolling(rollout, now);
        } else {
            recreate(rollout, now);
        }
    }

    private boolean canAdopt(Deployment cached) {
        Deployment fresh = client.apps().deployments().inNamespace(cached.getMetadata().getNamespace())
                .withName(cached.getMetadata().getName()).get();
        return fresh != null && Objects.equals(fresh.getMetadata().getUid(), cached.getMetadata().getUid())
                && fresh.getMetadata().getDeletionTimestamp() == null;
    }

    /** kube's {@code checkPausedConditions}: Progressing says Unknown/DeploymentPaused while paused, DeploymentResumed after. */
    private void checkPaused(Rollout rollout, Instant now) {
        Deployment d = rollout.deployment();
        if (!Conditions.hasProgressDeadline(d)) {
            return;
        }
        DeploymentCondition cond = Conditions.get(d.getStatus(), Conditions.PROGRESSING);
        if (cond != null && Conditions.TIMED_OUT.equals(cond.getReason())) {
            return; // a timed-out rollout stays so until it progresses again
        }
        boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
        boolean pausedCondition = cond != null && Conditions.PAUSED.equals(cond.getReason());
        DeploymentStatus status = d.getStatus() == null ? new DeploymentStatus() : new DeploymentStatusBuilder(d.getStatus()).build();
        if (paused && !pausedCondition) {
            Conditions.set(status, Conditions.condition(Conditions.PROGRESSING, "Unknown", Conditions.PAUSED,
                    "Deployment is paused", now));
        } else if (!paused && pausedCondition) {
            Conditions.set(status, Conditions.condition(Conditions.PROGRESSING, "Unknown", Conditions.RESUMED,
                    "Deployment is resumed", now));
        } else {
            return;
        }
        rollout.writeStatus(status);
    }

    /** kube's {@code isScalingEvent}: an active ReplicaSet records a desired size other than the Deployment's. */
    private boolean isScalingEvent(Rollout rollout) {
        Deployment d = rollout.deployment();
        ReplicaSet newRS = rollout.findNew();
        for (ReplicaSet rs : Replicas.active(Rollout.all(newRS, rollout.findOld(newRS)))) {
            Integer desired = Replicas.annotation(rs, Replicas.DESIRED_REPLICAS);
            if (desired != null && desired != Replicas.desired(d)) {
                return true;
            }
        }
        return false;
    }

    /** kube's {@code sync}: scale only (a scaling event or a paused Deployment), then history and status. */
    private void syncScale(Rollout rollout, Instant now) {
        List<ReplicaSet> old0 = rollout.findOld(rollout.findNew());
        ReplicaSet newRS = rollout.syncNew(old0, false);
        List<ReplicaSet> old = rollout.findOld(newRS);
        rollout.scaleOnly(newRS, old);
        newRS = rollout.findNew();
        old = rollout.findOld(newRS);
        if (Boolean.TRUE.equals(rollout.deployment().getSpec().getPaused())) {
            rollout.cleanup(old);
        }
        rollout.writeStatus(Conditions.calculate(Rollout.all(newRS, old), newRS, rollout.deployment(), now));
    }

    private void rolling(Rollout rollout, Instant now) {
        ReplicaSet newRS = rollout.syncNew(rollout.findOld(rollout.findNew()), true);
        List<ReplicaSet> old = rollout.findOld(newRS);
        if (rollout.reconcileNew(Rollout.all(newRS, old), newRS)) {
            syncRolloutStatus(rollout, now);
            return;
        }
        newRS = rollout.findNew();
        old = rollout.findOld(newRS);
        if (rollout.reconcileOld(Rollout.all(newRS, old), Replicas.active(old), newRS)) {
            syncRolloutStatus(rollout, now);
            return;
        }
        if (Conditions.complete(rollout.deployment(), rollout.deployment().getStatus() == null
                ? new DeploymentStatus() : rollout.deployment().getStatus())) {
            rollout.cleanup(old);
        }
        syncRolloutStatus(rollout, now);
    }

    private void recreate(Rollout rollout, Instant now) {
        ReplicaSet newRS = rollout.syncNew(rollout.findOld(rollout.findNew()), false);
        List<ReplicaSet> old = rollout.findOld(newRS);
        boolean scaledDown = false;
        for (ReplicaSet rs : Replicas.active(old)) {
            scaledDown |= rollout.scale(rs, 0, "down");
        }
        if (scaledDown) {
            syncRolloutStatus(rollout, now);
            return;
        }
        if (oldPodsRunning(old)) {
            syncRolloutStatus(rollout, now);
            return;
        }
        if (newRS == null) {
            newRS = rollout.syncNew(old, true);
            old = rollout.findOld(newRS);
        }
        rollout.scale(newRS, Replicas.desired(rollout.deployment()), "up");
        if (Conditions.complete(rollout.deployment(), rollout.deployment().getStatus() == null
                ? new DeploymentStatus() : rollout.deployment().getStatus())) {
            rollout.cleanup(old);
        }
        syncRolloutStatus(rollout, now);
    }

    /** Whether a pod of an old ReplicaSet still runs (kube's {@code oldPodsRunning}): Recreate waits for none. */
    private boolean oldPodsRunning(List<ReplicaSet> old) {
        Set<String> uids = new HashSet<>();
        for (ReplicaSet rs : old) {
            if (Replicas.statusReplicas(rs) > 0) {
                return true;
            }
            uids.add(rs.getMetadata().getUid());
        }
        if (old.isEmpty()) {
            return false;
        }
        for (Pod p : pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, old.get(0).getMetadata().getNamespace())) {
            String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
            if (Pods.controllerOf(p).map(ref -> uids.contains(ref.getUid())).orElse(false)
                    && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
                return true;
            }
        }
        return false;
    }

    /** Writes the rollout status; if nothing changed, looks again when the progress deadline would pass (kube's {@code requeueStuckDeployment}). */
    private void syncRolloutStatus(Rollout rollout, Instant now) {
        ReplicaSet newRS = rollout.findNew();
        List<ReplicaSet> all = new ArrayList<>(Rollout.all(newRS, rollout.findOld(newRS)));
        Deployment d = rollout.deployment();
        DeploymentStatus status = Conditions.rolloutStatus(all, newRS, d, now);
        if (Objects.equals(d.getStatus(), status)) {
            DeploymentCondition cond = Conditions.get(status, Conditions.PROGRESSING);
            if (!Conditions.hasProgressDeadline(d) || cond == null || Conditions.complete(d, status)
                    || Conditions.TIMED_OUT.equals(cond.getReason()) || cond.getLastUpdateTime() == null) {
                return;
            }
            Duration after = Duration.between(now, Instant.parse(cond.getLastUpdateTime())
                    .plusSeconds(d.getSpec().getProgressDeadlineSeconds()));
            if (after.compareTo(Duration.ofSeconds(1)) < 0) {
                queue.addRateLimited(Pods.key(d));
            } else {
                queue.addAfter(Pods.key(d), after.plusSeconds(1));
            }
            return;
        }
        rollout.writeStatus(status);
    }
}
