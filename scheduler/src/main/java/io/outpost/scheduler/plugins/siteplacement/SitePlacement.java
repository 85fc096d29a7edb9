package io.outpost.scheduler.plugins.siteplacement;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PreScorePlugin;
import io.outpost.scheduler.framework.ScorePlugin;
import io.outpost.scheduler.framework.Snapshot;
import io.outpost.scheduler.framework.Status;

/**
 * Spreads a workload's pods across edge sites (so one site's power or link failure takes out only
 * part of it), or packs them into as few sites as possible (so they talk to each other on the
 * site's LAN), by the node labels {@value #SITE_LABEL} and {@value #REGION_LABEL}.
 *
 * <p>The pod chooses with the annotation {@value #ANNOTATION}: {@code spread} (the default) or
 * {@code pack}. Its workload is the pods of the same namespace with the same controller
 * (ownerReference with controller=true), or, without one, with the same labels. For each node the
 * plugin counts the workload's pods in the node's site (weight 2) and region (weight 1); spread
 * scores the fewest highest, pack the most. A node without a site label scores 0 either way.
 */
public final class SitePlacement implements PreScorePlugin, ScorePlugin {

    public static final String NAME = "SitePlacement";
    public static final String SITE_LABEL = "topology.outpost.io/site";
    public static final String REGION_LABEL = "topology.outpost.io/region";
    public static final String ANNOTATION = "scheduling.outpost.io/site-placement";

    private static final CycleState.Key<Counts> COUNTS = new CycleState.Key<>(NAME, Counts.class);

    record Counts(boolean pack, Map<String, Integer> sites, Map<String, Integer> regions) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, Snapshot snapshot) {
        var annotations = pod.pod().getMetadata().getAnnotations();
        String mode = annotations == null ? "spread" : annotations.getOrDefault(ANNOTATION, "spread");
        String owner = controller(pod);
        if (owner == null && pod.labels().isEmpty()) {
            return Status.SKIP; // no workload to spread or pack
        }
        if (feasibleNodes.stream().noneMatch(n -> n.labels().containsKey(SITE_LABEL))) {
            return Status.SKIP; // a fleet without sites: every node would score the same
        }
        Map<String, Integer> sites = new HashMap<>();
        Map<String, Integer> regions = new HashMap<>();
        for (NodeInfo node : snapshot.nodes()) {
            String site = node.labels().get(SITE_LABEL);
            String region = node.labels().get(REGION_LABEL);
            if (site == null && region == null) {
                continue;
            }
            int n = 0;
            for (PodInfo other : node.pods()) {
                if (other.namespace().equals(pod.namespace())
                        && (owner != null ? owner.equals(controller(other)) : other.labels().equals(pod.labels()))) {
                    n++;
                }
            }
            if (n > 0) {
                if (site != null) {
                    sites.merge(site, n, Integer::sum);
                }
                if (region != null) {
                    regions.merge(region, n, Integer::sum);
                }
            }
        }
        state.put(COUNTS, new Counts("pack".equals(mode), sites, regions));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        Counts c = state.get(COUNTS);
        String site = node.labels().get(SITE_LABEL);
        if (site == null) {
            return -1;
        }
        String region = node.labels().get(REGION_LABEL);
        return 2L * c.sites().getOrDefault(site, 0) + (region == null ? 0 : c.regions().getOrDefault(region, 0));
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, List<NodeInfo> nodes, long[] scores) {
        boolean pack = state.get(COUNTS).pack();
        long max = 0;
        for (long s : scores) {
            max = Math.max(max, s);
        }
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] < 0) {
                scores[i] = 0;
            } else if (max == 0) {
                scores[i] = pack ? 0 : MAX_NODE_SCORE;
            } else {
                long share = MAX_NODE_SCORE * scores[i] / max;
                scores[i] = pack ? share : MAX_NODE_SCORE - share;
            }
        }
    }

    private static String controller(PodInfo pod) {
        var refs = pod.pod().getMetadata().getOwnerReferences();
        if (refs == null) {
            return null;
        }
        for (OwnerReference r : refs) {
            if (Objects.equals(r.getController(), Boolean.TRUE)) {
                return r.getUid();
            }
        }
        return null;
    }
}
