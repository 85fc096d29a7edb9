package io.outpost.agent.node;

import java.io.IOException;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Node;
import io.outpost.agent.runtime.containerd.ContainerdRuntime;
import io.outpost.agent.state.DesiredState;

/**
 * Hands the node's {@code spec.podCIDR}, allocated by the control plane's node IPAM controller,
 * to the containerd runtime's CNI network (kubelet's {@code updatePodCIDR}, called whenever it
 * reads its Node). The Node comes from the local store, so after an offline restart the agent
 * starts with the CIDR it had; a changed one applies to the sandboxes created from then on.
 *
 * <p>Thread model: {@link #start} once from the agent's wiring; then {@link #check} runs on the
 * sync layer's thread after every persisted change (a string comparison, and a small file write
 * the first time), and calls {@code onChanged} (the pod manager's wake-up) so pods waiting for
 * the network are started at once.
 */
public final class PodCidrUpdater {

    private static final Logger LOG = LoggerFactory.getLogger(PodCidrUpdater.class);

    private final DesiredState state;
    private final ContainerdRuntime runtime;
    private final Runnable onChanged;

    public PodCidrUpdater(DesiredState state, ContainerdRuntime runtime, Runnable onChanged) {
        this.state = state;
        this.runtime = runtime;
        this.onChanged = onChanged;
    }

    public void start() {
        state.addListener(this::check);
        check();
    }

    /** The node's pod CIDR, if the control plane has allocated one. */
    public static Optional<String> podCidr(Optional<Node> node) {
        return node.map(Node::getSpec).map(spec -> spec.getPodCIDRs() != null && !spec.getPodCIDRs().isEmpty()
                ? spec.getPodCIDRs().getFirst() : spec.getPodCIDR()).filter(cidr -> !cidr.isEmpty());
    }

    void check() {
        Optional<String> cidr = podCidr(state.node());
        if (cidr.isEmpty()) {
            return;
        }
        try {
            if (runtime.updatePodCidr(cidr.get())) {
                onChanged.run();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot configure the pod network for podCIDR {}: {}; retried at the next change", cidr.get(), e.toString());
        }
    }
}
