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

    private static final CycleState.Key<Images> IMAGES = new CycleState.Key<>(NAME, Images.class);

    /**
     * Per container, the names its image may be reported under (as written with :latest added,
     * and the docker.io reference the runtime reports for a short name), and how many nodes hold
     * each; computed once per pod.
     */
    record Images(List<String[]> names, java.util.Map<String, Integer> nodesWith, int totalNodes) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes, Snapshot snapshot) {
        List<String[]> names = new java.util.ArrayList<>();
        java.util.Map<String, Integer> nodesWith = new java.util.HashMap<>();
        var spec = pod.pod().getSpec();
        for (var list : java.util.Arrays.asList(spec.getInitContainers(), spec.getContainers())) {
            for (Container c : list == null ? List.<Container>of() : list) {
                String image = normalize(c.getImage());
                String full = "docker.io/" + (image.contains("/") ? "" : "library/") + image;
                names.add(new String[] {image, full});
                nodesWith.put(image, snapshot.nodesWithImage(image));
                nodesWith.put(full, snapshot.nodesWithImage(full));
            }
        }
        if (nodesWith.values().stream().allMatch(n -> n == 0)) {
            return Status.SKIP; // no node holds any of its images: every node would score 0
        }
        state.put(IMAGES, new Images(names, nodesWith, snapshot.nodes().size()));
        return Status.SUCCESS;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        Images images = state.get(IMAGES);
        long sum = 0;
        for (String[] names : images.names()) {
            for (String name : names) {
                Long size = node.imageSizes().get(name);
                if (size != null) {
                    // size scaled by the share of nodes that have it (kube's scaledImageScore)
                    sum += (long) (size * ((double) images.nodesWith().get(name) / images.totalNodes()));
                    break;
                }
            }
        }
        long max = MAX_CONTAINER_THRESHOLD * Math.max(1, images.names().size());
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
