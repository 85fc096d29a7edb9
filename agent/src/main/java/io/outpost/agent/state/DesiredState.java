package io.outpost.agent.state;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;

/**
 * The node's desired state as the agent last persisted it: what the control plane wants this node
 * to run. The sync layer ({@code io.outpost.agent.sync}) writes it from the tunnel's downstream
 * changes, in its local store, before acknowledging them; the pod workers
 * ({@code io.outpost.agent.pods}) read it. Because it is persisted, it is also what the agent runs
 * after a reboot with no link to the server (edge autonomy).
 *
 * <p>Thread model: every method may be called from any thread; answers are snapshots (the objects
 * returned must not be mutated by the caller). Listeners run on the sync layer's thread after a
 * change is persisted, must not block, and typically only wake the pod workers.
 */
public interface DesiredState {

    /** The pods bound to this node, including those being deleted (deletionTimestamp set). */
    List<Pod> pods();

    /** A ConfigMap a pod on this node references (the server sends only those). */
    Optional<ConfigMap> configMap(String namespace, String name);

    /** A Secret a pod on this node references (the server sends only those). */
    Optional<Secret> secret(String namespace, String name);

    /**
     * The service-account token for one {@code serviceAccountToken} source of a pod's projected
     * volume (its audience and lifetime), bound to this pod (its uid), if the server has sent one.
     * The token is a secret: never log it.
     */
    Optional<String> serviceAccountToken(Pod pod, ServiceAccountTokenProjection source);

    /**
     * A number that changes whenever something pod {@code namespace/name}'s worker reads besides
     * the pod itself changes: a service-account token for it arrived, or a ConfigMap or Secret it
     * references arrived, changed or went. A listener is told that something changed, not what:
     * the pod manager compares this with what each worker last saw to wake only the workers a
     * change concerns (a pod waiting for its token is woken when the token comes).
     */
    long inputsGeneration(String namespace, String name);

    /** This node's Node object as last received, if any. */
    Optional<Node> node();

    /** Calls {@code onChange} after every persisted change (not on the caller's thread). */
    void addListener(Runnable onChange);
}
