package io.outpost.scheduler.plugins.imagelocality;

import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PreScorePlugin;
import io.outpost.scheduler.framework.ScorePlugin;
import io.outpost.scheduler.framework.Snapshot;
import io.outpost.scheduler.framework.Status;

/**
 * Prefers nodes that already hold the pod's images, by their size, scaled down by how few nodes
 * hold them (so that one node with every image does not attract every pod): kube's
 * ImageLocality, with its thresholds of 23 MB and 1,000 MB per container. On metered edge links
 * an image already present is bytes not pulled.
 */
public final class ImageLocality implements PreScorePlugin, ScorePlugin {

    public static final String NAME = "ImageLocality";
    static final long MB = 1024 * 1024;
    static final long MIN_THRESHOLD = 23 * MB;
    static final long MAX_CONTAINER_THRESHOLD = 1000 * MB;

    private static final CycleState.Key<Snapshot> SNAPSHOT = new CycleState.Key<>(NAME, Snapshot.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, Snapshot snapshot) {
        state.put(SNAPSHOT, snapshot);
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        Snapshot snapshot = state.get(SNAPSHOT);
        int totalNodes = snapshot.nodes().size();
        if (totalNodes == 0) {
            return 0;
        }
        long sum = 0;
        int containers = 0;
        var spec = pod.pod().getSpec();
        for (var list : java.util.Arrays.asList(spec.getInitContainers(), spec.getContainers())) {
            if (list == null) {
                continue;
            }
            for (Container c : list) {
                containers++;
                String image = normalize(c.getImage());
                Long size = node.imageSizes().get(image);
                if (size == null) {
                    // The runtime reports the full reference of what "nginx:1.27" pulls.
                    image = "docker.io/" + (image.contains("/") ? "" : "library/") + image;
                    size = node.imageSizes().get(image);
                }
                if (size != null) {
                    // size scaled by the share of nodes that have it (kube's scaledImageScore)
                    sum += (long) (size * ((double) snapshot.nodesWithImage(image) / totalNodes));
                }
            }
        }
        long max = MAX_CONTAINER_THRESHOLD * Math.max(1, containers);
        sum = Math.clamp(sum, MIN_THRESHOLD, max);
        return MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max - MIN_THRESHOLD);
    }

    /** An image without tag or digest means {@code :latest}, as the runtime pulls it. */
    public static String normalize(String image) {
        if (image == null) {
            return "";
        }
        int slash = image.lastIndexOf('/');
        boolean tagged = image.indexOf(':', slash + 1) >= 0 || image.contains("@");
        return tagged ? image : image + ":latest";
    }
}
