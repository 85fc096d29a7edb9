package io.outpost.scheduler.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;

/**
 * A node and the pods on it, bound or assumed, with their sums (kube's {@code NodeInfo}):
 * requested resources, host ports in use, and the images the node's agent reported.
 *
 * <p>Thread model: owned by the {@code SchedulerCache}, changed only under its lock; plugins
 * read it during a scheduling cycle, which holds that lock, and must not keep it past the cycle.
 */
public final class NodeInfo {

    private Node node;
    private Resources allocatable = new Resources();
    private Map<String, String> labels = Map.of();
    private Map<String, Long> imageSizes = Map.of();
    private final List<PodInfo> pods = new ArrayList<>();
    private final List<PodInfo> podsWithAffinity = new ArrayList<>();
    private final List<PodInfo.HostPort> usedPorts = new ArrayList<>();
    private final Resources requested = new Resources();
    private final Resources nonZeroRequested = new Resources();
    private long generation;

    public NodeInfo(Node node) {
        setNode(node);
    }

    /** Null while only pods are known of a node whose Node object has not arrived (or is deleted). */
    public Node node() {
        return node;
    }

    public String name() {
        return node.getMetadata().getName();
    }

    public Map<String, String> labels() {
        return labels;
    }

    public Resources allocatable() {
        return allocatable;
    }

    public Resources requested() {
        return requested;
    }

    public Resources nonZeroRequested() {
        return nonZeroRequested;
    }

    public List<PodInfo> pods() {
        return Collections.unmodifiableList(pods);
    }

    public List<PodInfo> podsWithAffinity() {
        return Collections.unmodifiableList(podsWithAffinity);
    }

    public List<PodInfo.HostPort> usedPorts() {
        return Collections.unmodifiableList(usedPorts);
    }

    /** Image name (as the agent reported it, every alias) to size in bytes. */
    public Map<String, Long> imageSizes() {
        return imageSizes;
    }

    /**
     * Changes whenever the node or its pods change: a plugin may keep what it computed from this
     * NodeInfo until then.
     */
    public long generation() {
        return generation;
    }

    public void setNode(Node node) {
        generation++;
        this.node = node;
        if (node == null) {
            return;
        }
        var status = node.getStatus();
        var quantities = status == null ? null
                : status.getAllocatable() != null && !status.getAllocatable().isEmpty() ? status.getAllocatable()
                : status.getCapacity();
        this.allocatable = Resources.of(quantities);
        this.labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        Map<String, Long> images = new HashMap<>();
        if (status != null && status.getImages() != null) {
            for (ContainerImage image : status.getImages()) {
                long size = image.getSizeBytes() == null ? 0 : image.getSizeBytes();
                for (String name : Resources.nullToEmpty(image.getNames())) {
                    images.put(name, size);
                }
            }
        }
        this.imageSizes = images;
    }

    public void addPod(PodInfo pod) {
        generation++;
        pods.add(pod);
        if (pod.hasAffinity()) {
            podsWithAffinity.add(pod);
        }
        requested.add(pod.requests());
        nonZeroRequested.add(pod.nonZeroRequests());
        usedPorts.addAll(pod.hostPorts());
    }

    /** Removes the pod of this uid; false if it was not here. */
    public boolean removePod(String uid) {
        for (int i = 0; i < pods.size(); i++) {
            PodInfo p = pods.get(i);
            if (p.uid().equals(uid)) {
                generation++;
                pods.remove(i);
                podsWithAffinity.removeIf(a -> a.uid().equals(uid));
                requested.subtract(p.requests());
                nonZeroRequested.subtract(p.nonZeroRequests());
                for (PodInfo.HostPort port : p.hostPorts()) {
                    usedPorts.remove(port);
                }
                return true;
            }
        }
        return false;
    }
}
