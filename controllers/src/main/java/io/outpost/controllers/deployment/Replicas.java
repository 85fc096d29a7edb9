package io.outpost.controllers.deployment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

/**
 * The replica arithmetic of a rollout (kube's {@code deployment/util}): surge and unavailability
 * fenceposts, how far the new ReplicaSet may grow, how ReplicaSets are ordered, and the
 * annotations that record desired and maximum sizes for proportional scaling.
 */
final class Replicas {

    static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";

    private Replicas() {
    }

    static int desired(Deployment d) {
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    static int specReplicas(ReplicaSet rs) {
        return rs == null || rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
    }

    static int statusReplicas(ReplicaSet rs) {
        return rs == null || rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0 : rs.getStatus().getReplicas();
    }

    static int available(ReplicaSet rs) {
        return rs == null || rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null
                ? 0 : rs.getStatus().getAvailableReplicas();
    }

    static int ready(ReplicaSet rs) {
        return rs == null || rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null
                ? 0 : rs.getStatus().getReadyReplicas();
    }

    static boolean isRollingUpdate(Deployment d) {
        return d.getSpec().getStrategy() == null || !"Recreate".equals(d.getSpec().getStrategy().getType());
    }

    /** Scales an int-or-percent against {@code total}, rounding up or down (kube's {@code GetScaledValueFromIntOrPercent}). */
    static int scaled(IntOrString value, int total, boolean roundUp, int defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        String s = value.getStrVal();
        if (s == null || !s.endsWith("%")) {
            throw new IllegalArgumentException("invalid value for IntOrString: " + s);
        }
        double v = Integer.parseInt(s.substring(0, s.length() - 1)) * (double) total / 100;
        return (int) (roundUp ? Math.ceil(v) : Math.floor(v));
    }

    /** maxSurge and maxUnavailable for {@code desired}: surge rounds up, unavailable down; never both 0 (kube's {@code ResolveFenceposts}). */
    static int[] fenceposts(Deployment d) {
        if (!isRollingUpdate(d)) {
            return new int[] {0, 0};
        }
        var ru = d.getSpec().getStrategy().getRollingUpdate();
        int desired = desired(d);
        IntOrString quarter = new IntOrString("25%");
        int surge = scaled(ru == null || ru.getMaxSurge() == null ? quarter : ru.getMaxSurge(), desired, true, 0);
        int unavailable = scaled(ru == null || ru.getMaxUnavailable() == null ? quarter : ru.getMaxUnavailable(), desired, false, 0);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new int[] {surge, unavailable};
    }

    static int maxSurge(Deployment d) {
        return fenceposts(d)[0];
    }

    /** kube's {@code MaxUnavailable}: at most the desired count; 0 for Recreate or no replicas. */
    static int maxUnavailable(Deployment d) {
        if (!isRollingUpdate(d) || desired(d) == 0) {
            return 0;
        }
        return Math.min(fenceposts(d)[1], desired(d));
    }

    /** How many replicas the new ReplicaSet should have now (kube's {@code NewRSNewReplicas}). */
    static int newRSNewReplicas(Deployment d, List<ReplicaSet> all, ReplicaSet newRS) {
        if (!isRollingUpdate(d)) {
            return desired(d);
        }
        int current = all.stream().mapToInt(Replicas::specReplicas).sum();
        int maxTotal = desired(d) + maxSurge(d);
        if (current >= maxTotal) {
            return specReplicas(newRS);
        }
        int scaleUp = Math.min(maxTotal - current, desired(d) - specReplicas(newRS));
        return specReplicas(newRS) + scaleUp;
    }

    static List<ReplicaSet> active(List<ReplicaSet> rss) {
        List<ReplicaSet> out = new ArrayList<>();
        for (ReplicaSet rs : rss) {
            if (rs != null && specReplicas(rs) > 0) {
                out.add(rs);
            }
        }
        return out;
    }

    static final Comparator<ReplicaSet> BY_CREATION = Comparator
            .comparing((ReplicaSet rs) -> rs.getMetadata().getCreationTimestamp() == null ? "" : rs.getMetadata().getCreationTimestamp())
            .thenComparing(rs -> rs.getMetadata().getName());

    /** Larger first, then newer first (scaling up: kube's {@code ReplicaSetsBySizeNewer}). */
    static final Comparator<ReplicaSet> BY_SIZE_NEWER = Comparator.comparingInt(Replicas::specReplicas).reversed()
            .thenComparing(BY_CREATION.reversed());

    /** Larger first, then older first (scaling down: kube's {@code ReplicaSetsBySizeOlder}). */
    static final Comparator<ReplicaSet> BY_SIZE_OLDER = Comparator.comparingInt(Replicas::specReplicas).reversed()
            .thenComparing(BY_CREATION);

    static Integer annotation(ReplicaSet rs, String key) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        String v = a == null ? null : a.get(key);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The one ReplicaSet with pods, or the newest if none has any (kube's {@code FindActiveOrLatest}); null if several. */
    static ReplicaSet activeOrLatest(ReplicaSet newRS, List<ReplicaSet> oldRSs) {
        List<ReplicaSet> all = new ArrayList<>(oldRSs);
        if (newRS != null) {
            all.add(newRS);
        }
        if (all.isEmpty()) {
            return null;
        }
        List<ReplicaSet> active = active(all);
        if (active.size() == 1) {
            return active.get(0);
        }
        if (active.isEmpty()) {
            if (newRS != null) {
                return newRS;
            }
            return all.stream().max(BY_CREATION).orElse(null);
        }
        return null;
    }

    /**
     * The change of one ReplicaSet's size when a rolling Deployment is scaled mid-rollout (kube's
     * {@code GetProportion}): its share of {@code toAdd}, by its size over the size the
     * Deployment had when it was last scaled (the max-replicas annotation).
     */
    static int proportion(ReplicaSet rs, Deployment d, int toAdd, int added) {
        if (rs == null || specReplicas(rs) == 0 || toAdd == 0 || toAdd == added) {
            return 0;
        }
        int fraction = fraction(rs, d);
        int allowed = toAdd - added;
        return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    private static int fraction(ReplicaSet rs, Deployment d) {
        if (desired(d) == 0) {
            return -specReplicas(rs);
        }
        int deploymentReplicas = desired(d) + maxSurge(d);
        Integer annotated = annotation(rs, MAX_REPLICAS);
        int base = annotated != null ? annotated
                : d.getStatus() == null || d.getStatus().getReplicas() == null ? 0 : d.getStatus().getReplicas();
        if (base == 0) {
            return 0;
        }
        double size = (double) specReplicas(rs) * deploymentReplicas / base;
        return (int) Math.round(size) - specReplicas(rs);
    }

    /** Whether the new ReplicaSet runs every desired replica, all available (kube's {@code IsSaturated}). */
    static boolean isSaturated(Deployment d, ReplicaSet rs) {
        if (rs == null) {
            return false;
        }
        Integer desired = annotation(rs, DESIRED_REPLICAS);
        return desired != null && specReplicas(rs) == desired(d) && desired == desired(d) && available(rs) == desired(d);
    }
}
