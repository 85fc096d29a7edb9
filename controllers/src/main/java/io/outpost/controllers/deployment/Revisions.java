package io.outpost.controllers.deployment;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

/**
 * Revision bookkeeping in annotations (kube's {@code deployment/util}): each ReplicaSet carries
 * the revision at which it was last the new one, and the revisions it held before in
 * {@code revision-history}; the Deployment carries its current revision. {@code kubectl rollout
 * history} and {@code undo} read these.
 */
final class Revisions {

    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
    /** kube's {@code maxRevHistoryLengthInChars}. */
    static final int MAX_HISTORY_CHARS = 2000;
    /** Deployment annotations never copied to its ReplicaSets (kube's {@code skipCopyAnnotation}). */
    private static final Set<String> NOT_COPIED = Set.of("kubectl.kubernetes.io/last-applied-configuration", REVISION,
            REVISION_HISTORY, Replicas.DESIRED_REPLICAS, Replicas.MAX_REPLICAS, "deprecated.deployment.rollback.to");

    private Revisions() {
    }

    static long of(io.fabric8.kubernetes.api.model.HasMetadata obj) {
        Map<String, String> a = obj.getMetadata().getAnnotations();
        String v = a == null ? null : a.get(REVISION);
        if (v == null) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static long max(List<ReplicaSet> rss) {
        long max = 0;
        for (ReplicaSet rs : rss) {
            max = Math.max(max, of(rs));
        }
        return max;
    }

    private static Map<String, String> annotations(io.fabric8.kubernetes.api.model.HasMetadata obj) {
        if (obj.getMetadata().getAnnotations() == null) {
            obj.getMetadata().setAnnotations(new HashMap<>());
        } else if (!(obj.getMetadata().getAnnotations() instanceof HashMap)) {
            obj.getMetadata().setAnnotations(new HashMap<>(obj.getMetadata().getAnnotations()));
        }
        return obj.getMetadata().getAnnotations();
    }

    /**
     * Copies the Deployment's annotations to {@code rs} and moves it to {@code newRevision}
     * (kube's {@code SetNewReplicaSetAnnotations}). Returns whether anything changed.
     *
     * @param exists whether {@code rs} is stored already (else it also gets its size annotations)
     */
    static boolean setNewReplicaSetAnnotations(Deployment d, ReplicaSet rs, String newRevision, boolean exists) {
        boolean changed = copyAnnotations(d, rs);
        Map<String, String> a = annotations(rs);
        String oldRevision = a.get(REVISION);
        long oldRev = oldRevision == null ? 0 : parse(oldRevision);
        long newRev = parse(newRevision);
        if (oldRev < newRev) {
            a.put(REVISION, newRevision);
            changed = true;
        }
        if (oldRevision != null && !oldRevision.isEmpty() && oldRev < newRev && exists) {
            String history = a.get(REVISION_HISTORY);
            List<String> entries = history == null || history.isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(history.split(",")));
            entries.add(oldRevision);
            String joined = String.join(",", entries);
            while (joined.length() > MAX_HISTORY_CHARS && entries.size() > 1) {
                entries.remove(0);
                joined = String.join(",", entries);
            }
            a.put(REVISION_HISTORY, joined);
            changed = true;
        }
        if (!exists) {
            changed |= setReplicasAnnotations(rs, Replicas.desired(d), Replicas.desired(d) + Replicas.maxSurge(d));
        }
        return changed;
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean copyAnnotations(Deployment d, ReplicaSet rs) {
        Map<String, String> from = d.getMetadata().getAnnotations();
        if (from == null) {
            return false;
        }
        boolean changed = false;
        Map<String, String> to = annotations(rs);
        for (var e : from.entrySet()) {
            if (NOT_COPIED.contains(e.getKey()) || e.getValue().equals(to.get(e.getKey()))) {
                continue;
            }
            to.put(e.getKey(), e.getValue());
            changed = true;
        }
        return changed;
    }

    static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
        Map<String, String> a = annotations(rs);
        boolean changed = false;
        if (!String.valueOf(desired).equals(a.get(Replicas.DESIRED_REPLICAS))) {
            a.put(Replicas.DESIRED_REPLICAS, String.valueOf(desired));
            changed = true;
        }
        if (!String.valueOf(max).equals(a.get(Replicas.MAX_REPLICAS))) {
            a.put(Replicas.MAX_REPLICAS, String.valueOf(max));
            changed = true;
        }
        return changed;
    }

    static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        return a == null || !String.valueOf(desired).equals(a.get(Replicas.DESIRED_REPLICAS))
                || !String.valueOf(max).equals(a.get(Replicas.MAX_REPLICAS));
    }

    /** Sets the Deployment's revision annotation; whether it changed (kube's {@code SetDeploymentRevision}). */
    static boolean setDeploymentRevision(Deployment d, String revision) {
        Map<String, String> a = annotations(d);
        if (revision.equals(a.get(REVISION))) {
            return false;
        }
        a.put(REVISION, revision);
        return true;
    }
}
