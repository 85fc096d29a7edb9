package io.outpost.scheduler.framework;

import java.util.List;

/**
 * The cluster as one scheduling cycle sees it: every node with its pods. Valid only during the
 * cycle that was given it (the cache holds its lock meanwhile).
 */
public interface Snapshot {

    /** Every node whose Node object is known, in a stable order. */
    List<NodeInfo> nodes();

    /** The node of that name, or null. */
    NodeInfo get(String nodeName);

    /** Nodes that hold at least one pod with pod (anti-)affinity terms. */
    List<NodeInfo> nodesWithAffinityPods();

    /** How many nodes reported the image (for ImageLocality's spread factor). */
    int nodesWithImage(String image);
}
