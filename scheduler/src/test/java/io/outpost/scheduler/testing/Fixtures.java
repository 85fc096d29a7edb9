package io.outpost.scheduler.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.outpost.scheduler.SchedulerCache;
import io.outpost.scheduler.framework.Code;
import io.outpost.scheduler.framework.CycleState;
import io.outpost.scheduler.framework.FilterPlugin;
import io.outpost.scheduler.framework.NodeInfo;
import io.outpost.scheduler.framework.Plugin;
import io.outpost.scheduler.framework.PodInfo;
import io.outpost.scheduler.framework.PreFilterPlugin;
import io.outpost.scheduler.framework.PreScorePlugin;
import io.outpost.scheduler.framework.ScorePlugin;
import io.outpost.scheduler.framework.Snapshot;
import io.outpost.scheduler.framework.Status;

/** Nodes, pods and a cluster for plugin tests. */
public final class Fixtures {

    private Fixtures() {
    }

    /** A node with 4 CPUs, 8 GiB, 110 pods, its hostname label, Ready. */
    public static NodeBuilder node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name).addToLabels("kubernetes.io/hostname", name)
                .endMetadata().withNewSpec().endSpec()
                .withNewStatus().withAllocatable(Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"),
                        "pods", new Quantity("110")))
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
    }

    /** A pending pod in namespace "default" with one container (no requests). */
    public static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
                .withUid(UUID.nameUUIDFromBytes(name.getBytes()).toString()).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox:1.36").endContainer().endSpec();
    }

    /** A pod with one container requesting cpu and memory ("500m", "1Gi"; null for none). */
    public static PodBuilder pod(String name, String cpu, String memory) {
        PodBuilder b = pod(name);
        var requests = new java.util.HashMap<String, Quantity>();
        if (cpu != null) {
            requests.put("cpu", new Quantity(cpu));
        }
        if (memory != null) {
            requests.put("memory", new Quantity(memory));
        }
        return b.editSpec().editFirstContainer().withNewResources().withRequests(requests).endResources()
                .endContainer().endSpec();
    }

    /** The pod placed on a node (spec.nodeName set, Running). */
    public static Pod on(String nodeName, PodBuilder pod) {
        return pod.editSpec().withNodeName(nodeName).endSpec().withNewStatus().withPhase("Running").endStatus().build();
    }

    /** A cache holding these nodes and (assigned) pods. */
    public static Cluster cluster(List<Node> nodes, List<Pod> pods) {
        SchedulerCache cache = new SchedulerCache();
        nodes.forEach(cache::addOrUpdateNode);
        pods.forEach(cache::addOrUpdatePod);
        return new Cluster(cache);
    }

    public record Cluster(SchedulerCache cache) {
        public Snapshot snapshot() {
            return cache.withSnapshot(s -> s);
        }

        public NodeInfo node(String name) {
            return snapshot().get(name);
        }

        /** Runs the plugin's PreFilter (if any) then its Filter for the pod on the node. */
        public Status filter(Plugin plugin, Pod pod, String nodeName) {
            PodInfo info = PodInfo.of(pod);
            CycleState state = new CycleState();
            if (plugin instanceof PreFilterPlugin pre) {
                Status s = pre.preFilter(state, info, snapshot());
                if (s.code() == Code.SKIP) {
                    return Status.SUCCESS;
                }
                if (!s.isSuccess()) {
                    return s;
                }
            }
            return ((FilterPlugin) plugin).filter(state, info, node(nodeName));
        }

        /** PreScore (if any), Score and normalize over these nodes; a skipped plugin scores all 0. */
        public long[] score(ScorePlugin plugin, Pod pod, String... nodeNames) {
            PodInfo info = PodInfo.of(pod);
            CycleState state = new CycleState();
            List<NodeInfo> nodes = new ArrayList<>();
            for (String n : nodeNames) {
                nodes.add(node(n));
            }
            long[] scores = new long[nodes.size()];
            if (plugin instanceof PreScorePlugin pre && pre.preScore(state, info, nodes, snapshot()).code() == Code.SKIP) {
                return scores;
            }
            for (int i = 0; i < scores.length; i++) {
                scores[i] = plugin.score(state, info, nodes.get(i));
            }
            plugin.normalize(state, info, nodes, scores);
            return scores;
        }
    }
}
