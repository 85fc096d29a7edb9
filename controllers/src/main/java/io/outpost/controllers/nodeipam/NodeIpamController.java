package io.outpost.controllers.nodeipam;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.outpost.controllers.runtime.Controller;
import io.outpost.controllers.runtime.ControllerConfig;
import io.outpost.controllers.runtime.ControllerContext;
import io.outpost.controllers.runtime.EventRecorder;
import io.outpost.controllers.runtime.WorkQueue;
import io.outpost.controllers.runtime.Workers;

/**
 * The node IPAM controller with kube's range allocator ({@code pkg/controller/nodeipam},
 * {@code --allocate-node-cidrs --cidr-allocator-type=RangeAllocator}): every Node gets a
 * {@code spec.podCIDR}/{@code spec.podCIDRs} of its own from {@code --cluster-cidr}, which the
 * node's agent builds its CNI bridge from (as kubelet hands it to the runtime). See
 * {@link RangeAllocator} for the rules: kept once set, never two nodes the same, given back when
 * the node is deleted, re-read from every node when the controller starts.
 *
 * <p>When every subnet is taken, the node gets a {@code Warning CIDRNotAvailable} Event ("Node N
 * status is now: CIDRNotAvailable", kube's {@code RecordNodeStatusChange}) and is retried with
 * the queue's back-off, and at once when another node is deleted. Kube's range allocator sets no
 * node condition ({@code NetworkUnavailable} is the cloud allocator's and the route controller's),
 * so neither does this one.
 *
 * <p>Thread model: informer threads run the handlers, which enqueue node names (and, for a
 * deletion, give the node's subnet back at once, as kube's DeleteFunc does, and enqueue the nodes
 * still waiting for one). {@link #run} is called once the node informer has synced: it occupies
 * every existing node's subnet before any worker starts, so no node is handed a subnet another
 * already holds. {@code config.workers()} workers sync names, never one name in two workers; a
 * sync reads the cache, decides under the allocator's lock and patches the node through the API;
 * a failed patch gives the subnet back and is retried with back-off.
 */
public final class NodeIpamController implements Controller {

    public static final String NAME = "nodeipam";
    /** The event source kube's range allocator uses. */
    static final String COMPONENT = "cidrAllocator";
    private static final Logger LOG = LoggerFactory.getLogger(NodeIpamController.class);

    private final KubernetesClient client;
    private final ControllerConfig config;
    private final RangeAllocator allocator;
    private final SharedIndexInformer<Node> nodes;
    private final WorkQueue<String> queue;
    private final Workers workers;
    private final EventRecorder recorder;

    public NodeIpamController(ControllerContext context, ControllerConfig config, NodeIpamSettings settings) {
        this.client = context.client();
        this.config = config;
        this.allocator = new RangeAllocator(settings);
        this.nodes = context.informers().of(Node.class);
        this.queue = new WorkQueue<>(WorkQueue.Config.defaults(NAME, config.clock()));
        this.workers = new Workers(queue, this::sync);
        this.recorder = context.recorder(COMPONENT);
        nodes.addEventHandler(new ResourceEventHandler<Node>() {
            @Override
            public void onAdd(Node node) {
                queue.add(node.getMetadata().getName());
            }

            @Override
            public void onUpdate(Node old, Node cur) {
                queue.add(cur.getMetadata().getName());
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                // Nodes have no finalizer, so the deletion is the last we see of the node's
                // subnet: given back here, as kube's DeleteFunc does.
                allocator.release(node);
                for (Node waiting : nodes.getStore().list()) {
                    if (RangeAllocator.podCidrs(waiting).isEmpty()) {
                        queue.add(waiting.getMetadata().getName());
                    }
                }
            }
        });
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run() {
        List<Node> existing = nodes.getStore().list();
        for (String problem : allocator.occupyAll(existing)) {
            LOG.warn("{}; leaving it as it is", problem);
        }
        LOG.info("allocating node pod CIDRs /{} from {}: {} of {} taken by existing nodes", allocator.settings().nodeMaskSize(),
                allocator.settings().clusterCidr(), allocator.allocated(), allocator.settings().subnets());
        workers.start(config.workers());
    }

    @Override
    public void close() {
        workers.close();
        recorder.close();
    }

    /** Gives node {@code name} a subnet if it has none. */
    void sync(String name) {
        Node node = nodes.getStore().getByKey(name);
        if (node == null) {
            return;
        }
        if (node.getMetadata().getDeletionTimestamp() != null) {
            allocator.release(node);
            return;
        }
        if (RangeAllocator.podCidrs(node).isEmpty()) {
            // The cache can lag this controller's own write: a node updated again (its agent's
            // first status) is synced once more before the cache shows the subnet it was just
            // given. Decide on the node as the API server has it now, so that the second sync
            // keeps that subnet instead of patching a second one in (which the API server refuses).
            node = client.nodes().withName(name).get();
            if (node == null) {
                return;
            }
        }
        switch (allocator.decide(node)) {
            case RangeAllocator.Decision.Keep keep -> {
            }
            case RangeAllocator.Decision.Invalid invalid -> LOG.warn("{}; leaving it as it is", invalid.reason());
            case RangeAllocator.Decision.Exhausted exhausted -> {
                recorder.event(node, EventRecorder.WARNING, "CIDRNotAvailable", "Node " + name + " status is now: CIDRNotAvailable");
                throw new IllegalStateException("no pod CIDR left for node " + name + ": all " + exhausted.subnets() + " /"
                        + allocator.settings().nodeMaskSize() + " subnets of " + allocator.settings().clusterCidr()
                        + " are taken; delete unused nodes or restart the server with a larger --cluster-cidr");
            }
            case RangeAllocator.Decision.Assign assign -> assign(node, assign.cidr());
        }
    }

    /**
     * Writes the subnet with a strategic merge patch of {@code spec.podCIDR} and
     * {@code spec.podCIDRs} (kube's {@code nodeutil.PatchNodeCIDRs}). The API server refuses to
     * change a podCIDR once set, so a node that got one meanwhile (another controller instance)
     * keeps it: the write fails, the subnet is given back, and the retry keeps the node's own.
     */
    private void assign(Node node, Ipv4Cidr cidr) {
        String name = node.getMetadata().getName();
        String patch = "{\"spec\":{\"podCIDR\":\"" + cidr + "\",\"podCIDRs\":[\"" + cidr + "\"]}}";
        try {
            client.nodes().withName(name).patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
        } catch (RuntimeException e) {
            allocator.undo(cidr);
            throw e;
        }
        LOG.info("node {}: podCIDR {}", name, cidr);
    }
}
