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

    /** A number that grows with every change to a node or its pods. */
    long changeSeq();

    /**
     * The nodes that changed (their Node or their pods) since {@code seq}, possibly with repeats;
     * null when it cannot say (nodes were added or removed since, or too much changed): then
     * the caller must look at every node. Lets a plugin keep per-cluster sums across cycles.
     */
    List<NodeInfo> changedSince(long seq);
}
