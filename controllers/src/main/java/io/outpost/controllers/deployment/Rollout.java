package io.outpost.controllers.deployment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.outpost.controllers.common.ControllerRefs;
import io.outpost.controllers.runtime.EventRecorder;

/**
 * One sync of one Deployment (kube's {@code sync.go}, {@code rolling.go}, {@code recreate.go}):
 * finds or creates the new ReplicaSet, scales new and old ReplicaSets within maxSurge and
 * maxUnavailable (or all old to zero first, for Recreate), deletes old ReplicaSets beyond
 * revisionHistoryLimit and writes the status. Each write goes through the API; the next sync
 * starts from what the informers then show, so a step interrupted half-way is finished by the next.
 *
 * <p>Thread model: made and used by one worker for one key; not shared.
 */
final class Rollout {

    private final KubernetesClient client;
    private final EventRecorder events;
    private final Instant now;
    private Deployment d;
    private final List<ReplicaSet> owned;

    /** @param owned the ReplicaSets the Deployment controls (after adoption and release) */
    Rollout(KubernetesClient client, EventRecorder events, Instant now, Deployment d, List<ReplicaSet> owned) {
        this.client = client;
        this.events = events;
        this.now = now;
        this.d = d;
        this.owned = new ArrayList<>(owned);
        this.owned.sort(Replicas.BY_CREATION);
    }

    Deployment deployment() {
        return d;
    }

    // ---- new and old ReplicaSets ----

    ReplicaSet findNew() {
        for (ReplicaSet rs : owned) {
            if (Templates.equalIgnoreHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate())) {
                return rs; // the oldest equal one, as kube: a duplicate is an old ReplicaSet
            }
        }
        return null;
    }

    List<ReplicaSet> findOld(ReplicaSet newRS) {
        List<ReplicaSet> old = new ArrayList<>();
        for (ReplicaSet rs : owned) {
            if (newRS == null || !rs.getMetadata().getUid().equals(newRS.getMetadata().getUid())) {
                old.add(rs);
            }
        }
        return old;
    }

    static List<ReplicaSet> all(ReplicaSet newRS, List<ReplicaSet> old) {
        List<ReplicaSet> all = new ArrayList<>(old);
        if (newRS != null) {
            all.add(newRS);
        }
        return all;
    }

    /**
     * The new ReplicaSet with its revision brought up to date, created if {@code create} and
     * missing (kube's {@code getNewReplicaSet}); null if missing and not to be created.
     */
    ReplicaSet syncNew(List<ReplicaSet> old, boolean create) {
        ReplicaSet existing = findNew();
        String newRevision = Long.toString(Revisions.max(old) + 1);
        if (existing != null) {
            ReplicaSet copy = new ReplicaSetBuilder(existing).build();
            boolean annotationsChanged = Revisions.setNewReplicaSetAnnotations(d, copy, newRevision, true);
            boolean minReadyChanged = !Objects.equals(copy.getSpec().getMinReadySeconds(), d.getSpec().getMinReadySeconds());
            if (annotationsChanged || minReadyChanged) {
                copy.getSpec().setMinReadySeconds(d.getSpec().getMinReadySeconds());
                existing = updateReplicaSet(copy);
            }
            String revision = existing.getMetadata().getAnnotations() == null ? newRevision
                    : existing.getMetadata().getAnnotations().getOrDefault(Revisions.REVISION, newRevision);
            syncRevision(revision);
            if (Conditions.hasProgressDeadline(d) && Conditions.get(d.getStatus(), Conditions.PROGRESSING) == null) {
                DeploymentStatus status = statusCopy();
                Conditions.set(status, Conditions.condition(Conditions.PROGRESSING, "True", Conditions.FOUND_NEW_RS,
                        "Found new replica set \"" + existing.getMetadata().getName() + "\"", now));
                writeStatus(status);
            }
            return existing;
        }
        if (!create) {
            return null;
        }
        Integer collisions = d.getStatus() == null ? null : d.getStatus().getCollisionCount();
        String hash = Templates.hash(d.getSpec().getTemplate(), collisions);
        PodTemplateSpec template = Templates.withHash(d.getSpec().getTemplate(), hash);
        LabelSelector selector = new LabelSelectorBuilder(d.getSpec().getSelector()).addToMatchLabels(Templates.HASH_LABEL, hash).build();
        ReplicaSet fresh = new ReplicaSetBuilder().withNewMetadata()
                .withName(d.getMetadata().getName() + "-" + hash).withNamespace(d.getMetadata().getNamespace())
                .withLabels(template.getMetadata().getLabels()).withOwnerReferences(ControllerRefs.controllerRef(d))
                .endMetadata().withNewSpec().withReplicas(0).withMinReadySeconds(d.getSpec().getMinReadySeconds())
                .withSelector(selector).withTemplate(template).endSpec().build();
        int replicas = Replicas.newRSNewReplicas(d, all(null, old), fresh);
        fresh.getSpec().setReplicas(replicas);
        Revisions.setNewReplicaSetAnnotations(d, fresh, newRevision, false);
        ReplicaSet created;
        try {
            created = client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).resource(fresh).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return collided(fresh, e);
            }
            DeploymentStatus status = statusCopy();
            if (Conditions.hasProgressDeadline(d)) {
                Conditions.set(status, Conditions.condition(Conditions.PROGRESSING, "False", Conditions.FAILED_RS_CREATE,
                        "Failed to create new replica set \"" + fresh.getMetadata().getName() + "\": " + e.getMessage(), now));
                writeStatus(status);
            }
            events.event(d, EventRecorder.WARNING, Conditions.FAILED_RS_CREATE, "Failed to create new replica set \""
                    + fresh.getMetadata().getName() + "\": " + e.getMessage());
            throw e;
        }
        if (replicas > 0) {
            events.event(d, EventRecorder.NORMAL, "ScalingReplicaSet",
                    "Scaled up replica set " + created.getMetadata().getName() + " from 0 to " + replicas);
        }
        syncRevision(newRevision);
        if (Conditions.hasProgressDeadline(d)) {
            DeploymentStatus status = statusCopy();
            Conditions.set(status, Conditions.condition(Conditions.PROGRESSING, "True", Conditions.NEW_RS_CREATED,
                    "Created new replica set \"" + created.getMetadata().getName() + "\"", now));
            writeStatus(status);
        }
        owned.add(created);
        return created;
    }

    /** A ReplicaSet of that name exists: ours with this template is the new one; else count a hash collision and retry. */
    private ReplicaSet collided(ReplicaSet fresh, KubernetesClientException cause) {
        ReplicaSet there = client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace())
                .withName(fresh.getMetadata().getName()).get();
        if (there != null && io.outpost.controllers.common.Pods.controllerOf(there)
                .map(o -> o.getUid().equals(d.getMetadata().getUid())).orElse(false)
                && Templates.equalIgnoreHash(there.getSpec().getTemplate(), d.getSpec().getTemplate())) {
            return there;
        }
        DeploymentStatus status = statusCopy();
        status.setCollisionCount(status.getCollisionCount() == null ? 1 : status.getCollisionCount() + 1);
        writeStatus(status);
        throw new KubernetesClientException("hash collision for the new replica set of " + d.getMetadata().getName()
                + "; retrying with collisionCount " + status.getCollisionCount(), cause);
    }

    /** Brings the Deployment's revision annotation to {@code revision}, through a merge patch of its metadata. */
    private void syncRevision(String revision) {
        Map<String, String> a = d.getMetadata().getAnnotations();
        if (a != null && revision.equals(a.get(Revisions.REVISION))) {
            return;
        }
        Deployment patched = client.apps().deployments().inNamespace(d.getMetadata().getNamespace())
                .withName(d.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"annotations\":{\"" + Revisions.REVISION + "\":\"" + revision + "\"}}}");
        patched.setStatus(d.getStatus());
        d = patched;
    }

    // ---- scaling ----

    /** Scales {@code rs} to {@code size}, refreshing its size annotations; whether it was written (kube's {@code scaleReplicaSet}). */
    boolean scale(ReplicaSet rs, int size, String operation) {
        boolean sizeChanged = Replicas.specReplicas(rs) != size;
        int max = Replicas.desired(d) + Replicas.maxSurge(d);
        boolean annotationsChanged = Revisions.replicasAnnotationsNeedUpdate(rs, Replicas.desired(d), max);
        if (!sizeChanged && !annotationsChanged) {
            return false;
        }
        ReplicaSet copy = new ReplicaSetBuilder(rs).build();
        int from = Replicas.specReplicas(rs);
        copy.getSpec().setReplicas(size);
        Revisions.setReplicasAnnotations(copy, Replicas.desired(d), max);
        ReplicaSet updated = updateReplicaSet(copy);
        replaceOwned(updated);
        if (sizeChanged) {
            events.event(d, EventRecorder.NORMAL, "ScalingReplicaSet", "Scaled " + operation + " replica set "
                    + rs.getMetadata().getName() + " from " + from + " to " + size);
        }
        return sizeChanged;
    }

    private void replaceOwned(ReplicaSet updated) {
        for (int i = 0; i < owned.size(); i++) {
            if (owned.get(i).getMetadata().getUid().equals(updated.getMetadata().getUid())) {
                owned.set(i, updated);
            }
        }
    }

    private ReplicaSet updateReplicaSet(ReplicaSet rs) {
        return client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).resource(rs).update();
    }

    /**
     * kube's {@code scale}: a scaling event (or a paused Deployment) resizes ReplicaSets without
     * rolling: the single active one takes the new size; with several, a rolling Deployment
     * spreads the difference in proportion to their sizes.
     */
    void scaleOnly(ReplicaSet newRS, List<ReplicaSet> old) {
        ReplicaSet only = Replicas.activeOrLatest(newRS, old);
        if (only != null) {
            if (Replicas.specReplicas(only) != Replicas.desired(d)) {
                scale(only, Replicas.desired(d), Replicas.specReplicas(only) < Replicas.desired(d) ? "up" : "down");
            }
            return;
        }
        if (Replicas.isSaturated(d, newRS)) {
            for (ReplicaSet rs : Replicas.active(old)) {
                scale(rs, 0, "down");
            }
            return;
        }
        if (!Replicas.isRollingUpdate(d)) {
            return;
        }
        List<ReplicaSet> active = Replicas.active(all(newRS, old));
        int current = active.stream().mapToInt(Replicas::specReplicas).sum();
        int allowed = Replicas.desired(d) > 0 ? Replicas.desired(d) + Replicas.maxSurge(d) : 0;
        int toAdd = allowed - current;
        active.sort(toAdd > 0 ? Replicas.BY_SIZE_NEWER : Replicas.BY_SIZE_OLDER);
        java.util.Map<String, Integer> sizes = new java.util.HashMap<>();
        int added = 0;
        for (ReplicaSet rs : active) {
            sizes.put(rs.getMetadata().getName(), Replicas.specReplicas(rs));
            if (toAdd != 0) {
                int p = Replicas.proportion(rs, d, toAdd, added);
                sizes.merge(rs.getMetadata().getName(), p, Integer::sum);
                added += p;
            }
        }
        for (int i = 0; i < active.size(); i++) {
            ReplicaSet rs = active.get(i);
            if (i == 0 && toAdd != 0) {
                int leftover = toAdd - added;
                sizes.merge(rs.getMetadata().getName(), leftover, Integer::sum);
                if (sizes.get(rs.getMetadata().getName()) < 0) {
                    sizes.put(rs.getMetadata().getName(), 0);
                }
            }
            int size = sizes.get(rs.getMetadata().getName());
            scale(rs, size, size > Replicas.specReplicas(rs) ? "up" : "down");
        }
    }

    // ---- rolling update ----

    /** kube's {@code reconcileNewReplicaSet}. */
    boolean reconcileNew(List<ReplicaSet> all, ReplicaSet newRS) {
        int desired = Replicas.desired(d);
        if (Replicas.specReplicas(newRS) == desired) {
            return false;
        }
        if (Replicas.specReplicas(newRS) > desired) {
            return scale(newRS, desired, "down");
        }
        return scale(newRS, Replicas.newRSNewReplicas(d, all, newRS), "up");
    }

    /** kube's {@code reconcileOldReplicaSets}: scale old ones down as far as maxUnavailable allows. */
    boolean reconcileOld(List<ReplicaSet> all, List<ReplicaSet> oldActive, ReplicaSet newRS) {
        int oldPods = oldActive.stream().mapToInt(Replicas::specReplicas).sum();
        if (oldPods == 0) {
            return false;
        }
        int allPods = all.stream().mapToInt(Replicas::specReplicas).sum();
        int minAvailable = Replicas.desired(d) - Replicas.maxUnavailable(d);
        int newUnavailable = Replicas.specReplicas(newRS) - Replicas.available(newRS);
        int maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return false;
        }
        // First the unhealthy replicas of old ReplicaSets: losing them costs no availability.
        List<ReplicaSet> sorted = new ArrayList<>(oldActive);
        sorted.sort(Replicas.BY_CREATION);
        int cleaned = 0;
        List<ReplicaSet> after = new ArrayList<>();
        for (ReplicaSet rs : sorted) {
            if (cleaned >= maxScaledDown || Replicas.specReplicas(rs) == 0) {
                after.add(rs);
                continue;
            }
            int unhealthy = Replicas.specReplicas(rs) - Replicas.available(rs);
            if (unhealthy <= 0) {
                after.add(rs);
                continue;
            }
            int down = Math.min(maxScaledDown - cleaned, unhealthy);
            scale(rs, Replicas.specReplicas(rs) - down, "down");
            cleaned += down;
            after.add(current(rs));
        }
        // Then healthy ones, keeping minAvailable available.
        int available = all(newRS, after).stream().mapToInt(Replicas::available).sum();
        int scaledDown = 0;
        if (available > minAvailable) {
            int total = available - minAvailable;
            for (ReplicaSet rs : after) {
                if (scaledDown >= total) {
                    break;
                }
                if (Replicas.specReplicas(rs) == 0) {
                    continue;
                }
                int down = Math.min(Replicas.specReplicas(rs), total - scaledDown);
                scale(rs, Replicas.specReplicas(rs) - down, "down");
                scaledDown += down;
            }
        }
        return cleaned + scaledDown > 0;
    }

    private ReplicaSet current(ReplicaSet rs) {
        for (ReplicaSet o : owned) {
            if (o.getMetadata().getUid().equals(rs.getMetadata().getUid())) {
                return o;
            }
        }
        return rs;
    }

    // ---- history and status ----

    /** Deletes old, empty ReplicaSets beyond revisionHistoryLimit, oldest revision first (kube's {@code cleanupDeployment}). */
    void cleanup(List<ReplicaSet> old) {
        Integer limit = d.getSpec().getRevisionHistoryLimit();
        if (limit == null) {
            return;
        }
        List<ReplicaSet> alive = new ArrayList<>();
        for (ReplicaSet rs : old) {
            if (rs.getMetadata().getDeletionTimestamp() == null) {
                alive.add(current(rs));
            }
        }
        int diff = alive.size() - limit;
        if (diff <= 0) {
            return;
        }
        alive.sort(java.util.Comparator.<ReplicaSet>comparingLong(Revisions::of).thenComparing(Replicas.BY_CREATION));
        for (int i = 0; i < diff; i++) {
            ReplicaSet rs = alive.get(i);
            long observed = rs.getStatus() == null || rs.getStatus().getObservedGeneration() == null ? 0
                    : rs.getStatus().getObservedGeneration();
            if (Replicas.statusReplicas(rs) != 0 || Replicas.specReplicas(rs) != 0 || rs.getMetadata().getGeneration() > observed) {
                continue;
            }
            try {
                client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName())
                        .delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    /** The Deployment's status to change: a copy, so {@link #writeStatus} sees the difference. */
    private DeploymentStatus statusCopy() {
        return d.getStatus() == null ? new DeploymentStatus()
                : new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder(d.getStatus()).build();
    }

    /** Writes {@code status} to the Deployment's status subresource, if it differs. */
    void writeStatus(DeploymentStatus status) {
        if (Objects.equals(d.getStatus(), status) && d.getStatus() != null) {
            return;
        }
        Deployment next = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(d).withStatus(status).build();
        d = client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(next).updateStatus();
    }

    /** The ReplicaSets as this sync left them. */
    List<ReplicaSet> owned() {
        return owned;
    }
}
