package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * The controllers inside the whole server (as {@code outpost server} runs them, over its loopback
 * client), driven by the fabric8 client as a user would. No kubelet runs here: the test marks pods
 * Ready by writing their status, as a kubelet would.
 */
class ControllersTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;
    static final String NS = "rollouts";
    static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(dir);
        client = server.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Deployment deployment(String name, int replicas, String image) {
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage(image).endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    /** What a kubelet does once a pod's containers run and pass readiness: Running, Ready=True. */
    static void markPodsReady(String app) {
        for (Pod pod : client.pods().inNamespace(NS).withLabel("app", app).list().getItems()) {
            boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null
                    && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            if (ready || pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            pod.setStatus(new PodStatusBuilder().withPhase("Running").withConditions(new PodConditionBuilder()
                    .withType("Ready").withStatus("True").withLastTransitionTime(Instant.now().toString()).build()).build());
            try {
                client.pods().inNamespace(NS).resource(pod).updateStatus();
            } catch (KubernetesClientException e) {
                // changed or deleted meanwhile: the next round marks it
            }
        }
    }

    static List<Pod> livePods(String app) {
        return client.pods().inNamespace(NS).withLabel("app", app).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    static List<ReplicaSet> replicaSets(String app) {
        return client.apps().replicaSets().inNamespace(NS).withLabel("app", app).list().getItems();
    }

    static DeploymentCondition condition(Deployment d, String type) {
        return d.getStatus() == null || d.getStatus().getConditions() == null ? null
                : d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    /** kubectl rollout status's test: observed, every replica updated and available. */
    static void awaitRolledOut(String name, int replicas) {
        await().atMost(WAIT).untilAsserted(() -> {
            markPodsReady(name);
            Deployment d = client.apps().deployments().inNamespace(NS).withName(name).get();
            assertThat(d.getStatus()).isNotNull();
            assertThat(d.getStatus().getObservedGeneration()).isGreaterThanOrEqualTo(d.getMetadata().getGeneration());
            assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(replicas);
            assertThat(d.getStatus().getReplicas()).isEqualTo(replicas);
            assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(replicas);
            assertThat(condition(d, "Progressing").getReason()).isEqualTo("NewReplicaSetAvailable");
            assertThat(condition(d, "Available").getStatus()).isEqualTo("True");
        });
    }

    @Test
    void aDeploymentRollsOutScalesUpdatesAndRollsBack() {
        var deployments = client.apps().deployments().inNamespace(NS);
        deployments.resource(deployment("web", 3, "nginx:1.27")).create();

        awaitRolledOut("web", 3);
        assertThat(livePods("web")).hasSize(3).allSatisfy(p -> {
            assertThat(p.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(o -> assertThat(o.getKind()).isEqualTo("ReplicaSet"));
            assertThat(p.getMetadata().getLabels()).containsKey("pod-template-hash");
        });
        assertThat(replicaSets("web")).singleElement().satisfies(rs -> {
            assertThat(rs.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");
            assertThat(rs.getStatus().getReadyReplicas()).isEqualTo(3);
        });
        assertThat(deployments.withName("web").get().getMetadata().getAnnotations())
                .containsEntry("deployment.kubernetes.io/revision", "1");

        deployments.withName("web").scale(5);
        awaitRolledOut("web", 5);
        assertThat(livePods("web")).hasSize(5);

        deployments.withName("web").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}");
        awaitRolledOut("web", 5);
        await().atMost(WAIT).untilAsserted(() -> assertThat(livePods("web")).hasSize(5)
                .allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.28")));
        List<ReplicaSet> afterUpdate = replicaSets("web");
        assertThat(afterUpdate).hasSize(2);
        assertThat(afterUpdate).anySatisfy(rs -> {
            assertThat(rs.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
            assertThat(rs.getSpec().getReplicas()).isEqualTo(5);
        });
        assertThat(afterUpdate).anySatisfy(rs -> {
            assertThat(rs.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");
            assertThat(rs.getSpec().getReplicas()).isZero();
        });

        // kubectl rollout undo (1.27+ does it client-side): revision 1's template written back.
        ReplicaSet first = afterUpdate.stream().filter(rs -> "1".equals(rs.getMetadata().getAnnotations()
                .get("deployment.kubernetes.io/revision"))).findFirst().orElseThrow();
        deployments.withName("web").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\"}]}}}}");
        awaitRolledOut("web", 5);
        await().atMost(WAIT).untilAsserted(() -> {
            ReplicaSet back = client.apps().replicaSets().inNamespace(NS).withName(first.getMetadata().getName()).get();
            assertThat(back.getSpec().getReplicas()).isEqualTo(5);
            assertThat(back.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "3")
                    .containsEntry("deployment.kubernetes.io/revision-history", "1");
        });
        assertThat(replicaSets("web")).hasSize(2);

        // What the controllers did is recorded as Events on the objects they acted on.
        await().atMost(WAIT).untilAsserted(() -> {
            var events = client.v1().events().inNamespace(NS).list().getItems();
            assertThat(events).anySatisfy(e -> {
                assertThat(e.getInvolvedObject().getKind()).isEqualTo("Deployment");
                assertThat(e.getReason()).isEqualTo("ScalingReplicaSet");
                assertThat(e.getSource().getComponent()).isEqualTo("deployment-controller");
            });
            assertThat(events).anySatisfy(e -> {
                assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
                assertThat(e.getReason()).isEqualTo("SuccessfulCreate");
                assertThat(e.getMessage()).startsWith("Created pod: web-");
            });
        });
    }

    @Test
    void aNewNamespaceGetsItsDefaultServiceAccountBackWheneverItIsDeleted() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("accounts").endMetadata().build()).create();
        var defaultAccount = client.serviceAccounts().inNamespace("accounts").withName("default");
        await().atMost(WAIT).untilAsserted(() -> assertThat(defaultAccount.get()).isNotNull());
        String firstUid = defaultAccount.get().getMetadata().getUid();

        defaultAccount.delete();
        await().atMost(WAIT).untilAsserted(() -> assertThat(defaultAccount.get()).isNotNull()
                .satisfies(sa -> assertThat(sa.getMetadata().getUid()).isNotEqualTo(firstUid)));
    }

    @Test
    void aRecreateDeploymentReplacesEveryPodThroughANewReplicaSet() {
        var deployments = client.apps().deployments().inNamespace(NS);
        Deployment recreate = deployment("recreate", 2, "nginx:1.27");
        recreate.getSpec().setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder()
                .withType("Recreate").build());
        deployments.resource(recreate).create();
        awaitRolledOut("recreate", 2);

        deployments.withName("recreate").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}");
        awaitRolledOut("recreate", 2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(livePods("recreate")).hasSize(2)
                .allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.28")));
        assertThat(replicaSets("recreate")).hasSize(2).anySatisfy(rs -> assertThat(rs.getSpec().getReplicas()).isZero());
    }

    @Test
    void aReplicaSetReplacesADeletedPodAndReleasesOneRelabelled() {
        var deployments = client.apps().deployments().inNamespace(NS);
        deployments.resource(deployment("heal", 2, "nginx:1.27")).create();
        awaitRolledOut("heal", 2);
        Pod victim = livePods("heal").get(0);
        client.pods().inNamespace(NS).resource(victim).withGracePeriod(0).delete();
        await().atMost(WAIT).untilAsserted(() -> assertThat(livePods("heal")).hasSize(2)
                .noneMatch(p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid())));

        Pod relabelled = livePods("heal").get(0);
        client.pods().inNamespace(NS).withName(relabelled.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"labels\":{\"app\":\"elsewhere\"}}}");
        await().atMost(WAIT).untilAsserted(() -> {
            Pod released = client.pods().inNamespace(NS).withName(relabelled.getMetadata().getName()).get();
            assertThat(released.getMetadata().getOwnerReferences()).isNullOrEmpty();
            assertThat(livePods("heal")).hasSize(2);
        });
    }

    @Test
    void deletingADeploymentCascadesInTheBackgroundForegroundOrOrphans() {
        var deployments = client.apps().deployments().inNamespace(NS);
        for (String name : List.of("bg", "fg", "orphan")) {
            deployments.resource(deployment(name, 2, "nginx:1.27")).create();
        }
        for (String name : List.of("bg", "fg", "orphan")) {
            awaitRolledOut(name, 2);
        }

        deployments.withName("bg").withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(replicaSets("bg")).isEmpty();
            assertThat(client.pods().inNamespace(NS).withLabel("app", "bg").list().getItems()).isEmpty();
        });

        deployments.withName("fg").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(deployments.withName("fg").get()).isNull();
            assertThat(replicaSets("fg")).isEmpty();
            assertThat(client.pods().inNamespace(NS).withLabel("app", "fg").list().getItems()).isEmpty();
        });

        deployments.withName("orphan").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(deployments.withName("orphan").get()).isNull();
            assertThat(replicaSets("orphan")).singleElement()
                    .satisfies(rs -> assertThat(rs.getMetadata().getOwnerReferences()).isNullOrEmpty());
        });
        assertThat(livePods("orphan")).hasSize(2);
    }

    @Test
    void aServicesEndpointsAndEndpointSliceFollowItsPodsReadiness() {
        client.services().inNamespace(NS).resource(new ServiceBuilder()
                .withNewMetadata().withName("shop").endMetadata()
                .withNewSpec().addToSelector("app", "shop").addNewPort().withName("http").withPort(80)
                .withNewTargetPort("http").endPort().endSpec().build()).create();
        Pod pod = client.pods().inNamespace(NS).resource(new PodBuilder()
                .withNewMetadata().withName("shop-1").addToLabels("app", "shop").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx")
                .addNewPort().withName("http").withContainerPort(8080).endPort().endContainer().endSpec().build()).create();
        setReady(pod, "True");

        var endpoints = client.endpoints().inNamespace(NS).withName("shop");
        await().atMost(WAIT).untilAsserted(() -> {
            var subset = subset(endpoints.get());
            assertThat(subset.getAddresses()).extracting(a -> a.getIp() + " " + a.getTargetRef().getName())
                    .containsExactly("10.42.0.7 shop-1");
            assertThat(subset.getPorts()).extracting(p -> p.getPort()).containsExactly(8080);
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.discovery().v1().endpointSlices().inNamespace(NS)
                .withLabel("kubernetes.io/service-name", "shop").list().getItems()).singleElement().satisfies(slice -> {
                    assertThat(slice.getMetadata().getLabels())
                            .containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
                    assertThat(slice.getMetadata().getOwnerReferences()).extracting(o -> o.getKind()).containsExactly("Service");
                    assertThat(slice.getEndpoints()).singleElement().satisfies(e -> {
                        assertThat(e.getAddresses()).containsExactly("10.42.0.7");
                        assertThat(e.getConditions().getReady()).isTrue();
                    });
                }));

        setReady(client.pods().inNamespace(NS).withName("shop-1").get(), "False");
        await().atMost(WAIT).untilAsserted(() -> {
            var subset = subset(endpoints.get());
            assertThat(subset.getAddresses()).isNullOrEmpty();
            assertThat(subset.getNotReadyAddresses()).extracting(a -> a.getIp()).containsExactly("10.42.0.7");
        });
    }

    static EndpointSubset subset(Endpoints endpoints) {
        assertThat(endpoints).isNotNull();
        assertThat(endpoints.getSubsets()).hasSize(1);
        return endpoints.getSubsets().get(0);
    }

    /** What a kubelet writes once the pod runs: its IP and whether it passes readiness. */
    static void setReady(Pod pod, String ready) {
        FakeKubelet.writeStatus(client, pod, p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("10.42.0.7").withConditions(new PodConditionBuilder()
                    .withType("Ready").withStatus(ready).withLastTransitionTime(Instant.now().toString()).build()).build());
            return p;
        });
    }


    // ---- Jobs (fully qualified names keep this section self-contained) ----

    static io.fabric8.kubernetes.api.model.batch.v1.Job job(String name, int completions, int backoffLimit, Integer ttl) {
        return new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withCompletions(completions).withParallelism(completions).withBackoffLimit(backoffLimit)
                .withTtlSecondsAfterFinished(ttl)
                .withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("work").withImage("busybox:1.36").endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    /** What a kubelet writes once a Job pod's container exits: phase Succeeded or Failed. */
    static void finishJobPods(String job, String phase) {
        for (Pod pod : client.pods().inNamespace(NS).withLabel("batch.kubernetes.io/job-name", job).list().getItems()) {
            if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() != null && phase.equals(pod.getStatus().getPhase())) {
                continue;
            }
            pod.setStatus(new PodStatusBuilder().withPhase(phase).build());
            try {
                client.pods().inNamespace(NS).resource(pod).updateStatus();
            } catch (KubernetesClientException e) {
                // changed or deleted meanwhile: the next round marks it
            }
        }
    }

    static String jobCondition(String name, String type) {
        var job = client.batch().v1().jobs().inNamespace(NS).withName(name).get();
        return job == null || job.getStatus() == null || job.getStatus().getConditions() == null ? null
                : job.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .map(io.fabric8.kubernetes.api.model.batch.v1.JobCondition::getReason).findFirst().orElse(null);
    }

    @Test
    void aJobWhosePodsSucceedCompletesAndOneWhosePodsFailHitsItsBackoffLimit() {
        var jobs = client.batch().v1().jobs().inNamespace(NS);
        jobs.resource(job("ok", 2, 6, null)).create();
        await().atMost(WAIT).untilAsserted(() -> {
            finishJobPods("ok", "Succeeded");
            assertThat(jobCondition("ok", "Complete")).isEqualTo("CompletionsReached");
        });
        var ok = jobs.withName("ok").get();
        assertThat(ok.getStatus().getSucceeded()).isEqualTo(2);
        assertThat(ok.getStatus().getActive()).isZero();
        assertThat(ok.getStatus().getCompletionTime()).isNotNull();
        assertThat(jobCondition("ok", "SuccessCriteriaMet")).isEqualTo("CompletionsReached");
        assertThat(client.pods().inNamespace(NS).withLabel("batch.kubernetes.io/job-name", "ok").list().getItems())
                .hasSize(2).allSatisfy(p -> {
                    assertThat(p.getMetadata().getOwnerReferences()).singleElement()
                            .satisfies(r -> assertThat(r.getUid()).isEqualTo(ok.getMetadata().getUid()));
                    assertThat(p.getMetadata().getLabels()).containsEntry("batch.kubernetes.io/controller-uid", ok.getMetadata().getUid());
                });

        jobs.resource(job("bad", 1, 1, null)).create();
        await().atMost(WAIT).untilAsserted(() -> {
            finishJobPods("bad", "Failed");
            assertThat(jobCondition("bad", "Failed")).isEqualTo("BackoffLimitExceeded");
        });
        var bad = jobs.withName("bad").get();
        assertThat(bad.getStatus().getFailed()).isEqualTo(2);
        assertThat(bad.getStatus().getCompletionTime()).isNull();
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.v1().events().inNamespace(NS).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("BackoffLimitExceeded"))
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Completed")));

        jobs.resource(job("ttl", 1, 6, 0)).create();
        await().atMost(WAIT).untilAsserted(() -> {
            finishJobPods("ttl", "Succeeded");
            assertThat(jobs.withName("ttl").get()).isNull();
            assertThat(client.pods().inNamespace(NS).withLabel("batch.kubernetes.io/job-name", "ttl").list().getItems()).isEmpty();
        });
    }
}
