package io.outpost.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What the kubelets of a test's nodes would do, through the API, for tests without an agent:
 * <ul>
 *   <li>a node is {@linkplain #registerNode registered} with its capacity and Ready, and its Lease
 *       in {@code kube-node-lease} is renewed every 2 s, so a node lifecycle controller sees it
 *       alive (without renewals it would mark it unreachable after kube's 40 s);</li>
 *   <li>a pod bound to a node becomes Running and Ready, unless it or its node is
 *       {@linkplain #hold held}; pods that are not bound stay Pending, as no kubelet owns them;</li>
 *   <li>a pod being deleted gracefully is removed (its containers "stopped").</li>
 * </ul>
 *
 * <p>Thread model: one virtual thread polls every 100 ms until {@link #close}; the other methods
 * from the test's thread.
 */
final class FakeKubelet implements AutoCloseable {

    static final String LEASE_NAMESPACE = "kube-node-lease";
    private static final Duration RENEW_EVERY = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Set<String> nodes = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean stopping;
    private Instant renewed = Instant.EPOCH; // kubelet thread only

    /** A kubelet for the pods of every namespace. */
    FakeKubelet(KubernetesClient client) {
        this.client = client;
        this.thread = Thread.ofVirtual().name("fake-kubelet").start(this::loop);
    }

    /** The pod of this name, or the pods bound to the node of this name, stay Pending (their containers "never start") until released. */
    void hold(String name) {
        held.add(name);
    }

    void release(String name) {
        held.remove(name);
    }

    /**
     * A node as an agent registers it: created with its labels and taints, then its status
     * (capacity, Ready) written and its Lease taken; this kubelet renews the Lease from then on.
     */
    void registerNode(String name, Map<String, String> labels, Taint... taints) {
        Node created = client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels("kubernetes.io/hostname", name).addToLabels(labels).endMetadata()
                .withNewSpec().withTaints(taints).endSpec().build()).create();
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"), "pods", new Quantity("110"));
        writeStatus(client, created, n -> new NodeBuilder(n).withNewStatus().withCapacity(capacity).withAllocatable(capacity)
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withLastHeartbeatTime(Instant.now().toString()).endCondition()
                .endStatus().build());
        try {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(LEASE_NAMESPACE).endMetadata()
                    .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        renew(name);
        nodes.add(name);
    }

    /**
     * Writes an object's status on the object given, and again on the latest one when another
     * writer got there first (409), up to 5 times, as kubelet retries its status updates: the
     * node IPAM controller sets {@code spec.podCIDR} on a new Node, and the scheduler binds a new
     * pod, at about the same moment.
     */
    static <T extends HasMetadata> T writeStatus(KubernetesClient client, T object, UnaryOperator<T> withStatus) {
        T current = object;
        for (int attempt = 1; ; attempt++) {
            try {
                return client.resource(withStatus.apply(current)).updateStatus();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
                current = client.resource(object).get();
            }
        }
    }

    private void renew(String node) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        var leases = client.leases().inNamespace(LEASE_NAMESPACE);
        Lease lease = leases.withName(node).get();
        if (lease == null) {
            leases.resource(new LeaseBuilder().withNewMetadata().withName(node).withNamespace(LEASE_NAMESPACE).endMetadata()
                    .withNewSpec().withHolderIdentity(node).withLeaseDurationSeconds(40).withRenewTime(now).endSpec().build())
                    .create();
        } else {
            lease.getSpec().setRenewTime(now);
            leases.resource(lease).update();
        }
    }

    private void loop() {
        while (!stopping) {
            try {
                if (Duration.between(renewed, Instant.now()).compareTo(RENEW_EVERY) >= 0) {
                    renewed = Instant.now();
                    nodes.forEach(this::renew);
                }
                for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
                    step(pod);
                }
            } catch (KubernetesClientException e) {
                // the server is stopping, or an object changed meanwhile: the next round sees it
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void step(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        var pods = client.pods().inNamespace(pod.getMetadata().getNamespace());
        try {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                pods.withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
                return;
            }
            // As a kubelet reports its own view: a Ready=False written by someone else (the node
            // lifecycle controller marks pods not ready while it doubts a node) is set back.
            boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null
                    && pod.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            if (ready || node == null || node.isEmpty() || held.contains(pod.getMetadata().getName())
                    || held.contains(node)) {
                return;
            }
            pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("10.0.0.1").withConditions(new PodConditionBuilder()
                    .withType("Ready").withStatus("True").withLastTransitionTime(Instant.now().toString()).build()).build());
            pods.resource(pod).updateStatus();
        } catch (KubernetesClientException e) {
            // changed or gone meanwhile
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join();
    }
}
