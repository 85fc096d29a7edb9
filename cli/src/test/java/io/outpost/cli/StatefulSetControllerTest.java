package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * The StatefulSet controller inside the whole server, with the scheduler binding its pods to one
 * node, driven by the fabric8 client; a {@link FakeKubelet} makes bound pods Ready (unless held)
 * and finishes graceful deletions. The order of creations and deletions is read from a watch.
 */
class StatefulSetControllerTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;
    static FakeKubelet kubelet;
    static final String NS = "stateful";
    static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        kubelet = new FakeKubelet(client);
        kubelet.registerNode("edge-1", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (kubelet != null) {
            kubelet.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static StatefulSet statefulSet(String name, int replicas, String policy, String image) {
        return new StatefulSetBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(replicas).withServiceName(name).withPodManagementPolicy(policy)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage(image).endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    /** Live pods by name. */
    static Map<String, Pod> pods(String app) {
        Map<String, Pod> out = new TreeMap<>();
        for (Pod p : client.pods().inNamespace(NS).withLabel("app", app).list().getItems()) {
            if (p.getMetadata().getDeletionTimestamp() == null) {
                out.put(p.getMetadata().getName(), p);
            }
        }
        return out;
    }

    /** The StatefulSet, with an empty status until the controller first wrote one. */
    static StatefulSet get(String name) {
        StatefulSet s = client.apps().statefulSets().inNamespace(NS).withName(name).get();
        if (s.getStatus() == null) {
            s.setStatus(new StatefulSetStatus());
        }
        return s;
    }

    static void awaitReady(String name, int replicas) {
        await().atMost(WAIT).untilAsserted(() -> {
            StatefulSet s = get(name);
            assertThat(s.getStatus().getObservedGeneration()).isEqualTo(s.getMetadata().getGeneration());
            assertThat(s.getStatus().getReplicas()).isEqualTo(replicas);
            assertThat(s.getStatus().getReadyReplicas()).isEqualTo(replicas);
            assertThat(s.getStatus().getAvailableReplicas()).isEqualTo(replicas);
            assertThat(pods(name)).hasSize(replicas);
        });
    }

    /** Records the names of the app's pods as they are added and as they are finally deleted. */
    static final class Order implements Watcher<Pod>, AutoCloseable {
        final List<String> added = new CopyOnWriteArrayList<>();
        final List<String> deleted = new CopyOnWriteArrayList<>();
        final Watch watch;

        Order(String app) {
            watch = client.pods().inNamespace(NS).withLabel("app", app).watch(this);
        }

        @Override
        public void eventReceived(Action action, Pod pod) {
            if (action == Action.ADDED) {
                added.add(pod.getMetadata().getName());
            } else if (action == Action.DELETED) {
                deleted.add(pod.getMetadata().getName());
            }
        }

        @Override
        public void onClose(WatcherException cause) {
        }

        @Override
        public void close() {
            watch.close();
        }
    }

    @Test
    void anOrderedSetScalesUpInOrderEachWaitingForTheLastAndDownInReverse() {
        kubelet.hold("db-0");
        try (Order order = new Order("db")) {
            client.apps().statefulSets().inNamespace(NS).resource(statefulSet("db", 3, "OrderedReady", "postgres:17")).create();
            await().atMost(WAIT).until(() -> pods("db").containsKey("db-0"));
            await().during(Duration.ofSeconds(2)).atMost(WAIT)
                    .untilAsserted(() -> assertThat(pods("db")).as("db-1 waits for db-0 to be Ready").containsOnlyKeys("db-0"));
            kubelet.release("db-0");
            awaitReady("db", 3);
            assertThat(order.added).containsExactly("db-0", "db-1", "db-2");

            Pod db1 = pods("db").get("db-1");
            assertThat(db1.getMetadata().getLabels()).containsEntry("statefulset.kubernetes.io/pod-name", "db-1")
                    .containsEntry("apps.kubernetes.io/pod-index", "1").containsKey("controller-revision-hash");
            assertThat(db1.getSpec().getHostname()).isEqualTo("db-1");
            assertThat(db1.getSpec().getSubdomain()).isEqualTo("db");
            assertThat(db1.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getKind()).isEqualTo("StatefulSet"));
            StatefulSet s = get("db");
            assertThat(s.getStatus().getCurrentRevision()).isEqualTo(s.getStatus().getUpdateRevision())
                    .isEqualTo(db1.getMetadata().getLabels().get("controller-revision-hash"));
            assertThat(s.getStatus().getCurrentReplicas()).isEqualTo(3);
            assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(3);

            client.pods().inNamespace(NS).withName("db-1").delete();
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(pods("db").get("db-1")).as("db-1 made again under its name").isNotNull()
                        .satisfies(p -> assertThat(p.getMetadata().getUid()).isNotEqualTo(db1.getMetadata().getUid()));
                assertThat(get("db").getStatus().getReadyReplicas()).isEqualTo(3);
            });
            order.deleted.clear();

            client.apps().statefulSets().inNamespace(NS).withName("db").scale(1);
            awaitReady("db", 1);
            assertThat(pods("db")).containsOnlyKeys("db-0");
            await().atMost(WAIT).untilAsserted(() -> assertThat(order.deleted).containsExactly("db-2", "db-1"));
        }
    }

    @Test
    void aParallelSetMakesEveryPodWithoutWaiting() {
        List.of("par-0", "par-1", "par-2").forEach(kubelet::hold);
        client.apps().statefulSets().inNamespace(NS).resource(statefulSet("par", 3, "Parallel", "redis:8")).create();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(pods("par")).containsOnlyKeys("par-0", "par-1", "par-2");
            assertThat(get("par").getStatus().getReplicas()).isEqualTo(3);
            assertThat(get("par").getStatus().getReadyReplicas()).isZero();
        });
        List.of("par-0", "par-1", "par-2").forEach(kubelet::release);
        awaitReady("par", 3);
        client.apps().statefulSets().inNamespace(NS).withName("par").scale(0);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(pods("par")).isEmpty();
            assertThat(get("par").getStatus().getReplicas()).isZero();
        });
    }

    @Test
    void aPartitionedRollingUpdateStopsAtThePartitionThenGoesDownToZero() {
        var sets = client.apps().statefulSets().inNamespace(NS);
        sets.resource(statefulSet("web", 3, "OrderedReady", "nginx:1.27")).create();
        awaitReady("web", 3);
        String first = get("web").getStatus().getCurrentRevision();

        sets.withName("web").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":"
                + "{\"partition\":2}},\"template\":{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"nginx:1.28\"}]}}}}");
        await().atMost(WAIT).untilAsserted(() -> {
            StatefulSet s = get("web");
            assertThat(s.getStatus().getObservedGeneration()).isEqualTo(s.getMetadata().getGeneration());
            assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(1);
            assertThat(s.getStatus().getReadyReplicas()).isEqualTo(3);
            assertThat(images("web")).containsExactly(Map.entry("web-0", "nginx:1.27"), Map.entry("web-1", "nginx:1.27"),
                    Map.entry("web-2", "nginx:1.28"));
        });
        StatefulSet partitioned = get("web");
        assertThat(partitioned.getStatus().getCurrentRevision()).isEqualTo(first);
        assertThat(partitioned.getStatus().getUpdateRevision()).isNotEqualTo(first);

        try (Order order = new Order("web")) {
            sets.withName("web").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                    "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":0}}}}");
            await().atMost(WAIT).untilAsserted(() -> {
                StatefulSet s = get("web");
                assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(3);
                assertThat(s.getStatus().getCurrentRevision()).isEqualTo(s.getStatus().getUpdateRevision());
                assertThat(images("web").values()).containsOnly("nginx:1.28");
            });
            assertThat(order.deleted).as("highest ordinal first").containsExactly("web-1", "web-0");
        }
        assertThat(client.apps().controllerRevisions().inNamespace(NS).withLabel("app", "web").list().getItems()).hasSize(2);
    }

    static Map<String, String> images(String app) {
        Map<String, String> out = new TreeMap<>();
        pods(app).forEach((name, pod) -> out.put(name, pod.getSpec().getContainers().get(0).getImage()));
        return out;
    }
}
