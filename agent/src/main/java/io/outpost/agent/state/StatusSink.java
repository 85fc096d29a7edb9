package io.outpost.agent.state;

import java.util.Map;

import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.events.v1.Event;

/**
 * Where the pod workers and the node-status reporter send what they observe. The sync layer
 * persists each report in the local store (so it survives an agent restart while the link is
 * down) and sends it upstream when it can, coalesced: for one pod or the node only the latest
 * status is ever sent.
 *
 * <p>Thread model: any thread may call; calls must not block on the network.
 */
public interface StatusSink {

    /** The pod's latest observed status (kubelet's status manager: latest wins). */
    void podStatus(String namespace, String name, String uid, PodStatus status);

    /**
     * A pod that was being deleted has no more running containers: the server may remove it
     * (kubelet then deletes it with grace period 0). Identified by uid so a new pod of the same
     * name is never removed by mistake.
     */
    void podTerminated(String namespace, String name, String uid);

    /** The node's latest observed status (capacity, allocatable, conditions, addresses, info). */
    void nodeStatus(NodeStatus status);

    /**
     * The labels and annotations this agent owns on its Node (its flags' labels, the well-known
     * labels, link quality): merged into the Node, never removing what others set. Latest wins.
     */
    void nodeMetadata(Map<String, String> labels, Map<String, String> annotations);

    /** An Event about an object on this node (pulled, started, killing, back-off, probe failed). */
    void event(Event event);
}
