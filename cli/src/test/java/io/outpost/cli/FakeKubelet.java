package io.outpost.cli;

import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What the kubelets of a test's nodes would do, through the API, for tests without an agent:
 * a pod bound to a node becomes Running and Ready (unless it or its node is {@linkplain #hold held}),
 * and a pod being deleted gracefully is removed (its containers "stopped"). Pods that are not
 * bound stay Pending, as no kubelet owns them.
 *
 * <p>Thread model: one virtual thread polls every 100 ms until {@link #close}; {@link #hold} and
 * {@link #release} from the test's thread.
 */
final class FakeKubelet implements AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean stopping;

    FakeKubelet(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.thread = Thread.ofVirtual().name("fake-kubelet-" + namespace).start(this::loop);
    }

    /** The pod of this name, or the pods bound to the node of this name, stay Pending (their containers "never start") until released. */
    void hold(String name) {
        held.add(name);
    }

    void release(String name) {
        held.remove(name);
    }

    /** A node as an agent registers it: created with its labels and taints, then its status (capacity, Ready) written. */
    static void registerNode(KubernetesClient client, String name, Map<String, String> labels, Taint... taints) {
        Node created = client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels("kubernetes.io/hostname", name).addToLabels(labels).endMetadata()
                .withNewSpec().withTaints(taints).endSpec().build()).create();
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"), "pods", new Quantity("110"));
        client.nodes().resource(new NodeBuilder(created).withNewStatus().withCapacity(capacity).withAllocatable(capacity)
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady").endCondition()
                .endStatus().build()).updateStatus();
    }

    private void loop() {
        while (!stopping) {
            try {
                for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
                    step(pod);
                }
            } catch (KubernetesClientException e) {
                // the server is stopping, or a pod changed meanwhile: the next round sees it
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
        try {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
                return;
            }
            boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null
                    && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()));
            if (ready || node == null || node.isEmpty() || held.contains(pod.getMetadata().getName())
                    || held.contains(node)) {
                return;
            }
            pod.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("10.0.0.1").withConditions(new PodConditionBuilder()
                    .withType("Ready").withStatus("True").withLastTransitionTime(Instant.now().toString()).build()).build());
            client.pods().inNamespace(namespace).resource(pod).updateStatus();
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
