package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Indexed Jobs and pod failure policies in the whole server, driven by the fabric8 client. No
 * kubelet runs here: the test writes what a kubelet would once a pod's container exits (its
 * phase, and the container's exit code).
 */
class IndexedJobsTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;
    static final String NS = "batch";
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String INDEX = "batch.kubernetes.io/job-completion-index";

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

    static List<Pod> podsOf(String job) {
        return client.pods().inNamespace(NS).withLabel("batch.kubernetes.io/job-name", job).list().getItems();
    }

    /** A kubelet's report of a pod whose container exited with {@code exitCode}. */
    static void exit(Pod pod, int exitCode) {
        PodStatus status = new PodStatusBuilder().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                .addNewContainerStatus().withName("work").withImage("busybox:1.36").withImageID("").withReady(false).withRestartCount(0)
                .withNewState().withNewTerminated().withExitCode(exitCode).endTerminated().endState().endContainerStatus().build();
        pod.setStatus(status);
        try {
            client.pods().inNamespace(NS).resource(pod).updateStatus();
        } catch (KubernetesClientException e) {
            // changed meanwhile: the next round writes it
        }
    }

    static boolean running(Pod pod) {
        return pod != null && pod.getMetadata().getDeletionTimestamp() == null
                && (pod.getStatus() == null || pod.getStatus().getPhase() == null || pod.getStatus().getPhase().equals("Pending"));
    }

    static String condition(String job, String type) {
        Job j = client.batch().v1().jobs().inNamespace(NS).withName(job).get();
        return j == null || j.getStatus() == null || j.getStatus().getConditions() == null ? null
                : j.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .map(JobCondition::getReason).findFirst().orElse(null);
    }

    static JobBuilder job(String name, int completions, int parallelism) {
        return new JobBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withCompletionMode("Indexed").withCompletions(completions).withParallelism(parallelism)
                .withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("work").withImage("busybox:1.36").endContainer().endSpec().endTemplate().endSpec();
    }

    @Test
    void anIndexedJobRunsOnePodPerIndexRetriesAFailedIndexAndCompletes() {
        client.batch().v1().jobs().inNamespace(NS).resource(job("render", 4, 2).build()).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(podsOf("render")).hasSize(2));
        assertThat(podsOf("render")).extracting(p -> p.getMetadata().getAnnotations().get(INDEX)).containsExactlyInAnyOrder("0", "1");
        assertThat(podsOf("render")).allSatisfy(p -> {
            String index = p.getMetadata().getLabels().get(INDEX);
            assertThat(p.getMetadata().getName()).startsWith("render-" + index + "-");
            assertThat(p.getSpec().getHostname()).isEqualTo("render-" + index);
            assertThat(p.getSpec().getContainers().getFirst().getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("JOB_COMPLETION_INDEX"));
        });

        // Index 1 fails once and is retried; index 0 succeeds.
        List<String> firstPods = podsOf("render").stream().map(p -> p.getMetadata().getName()).toList();
        await().atMost(WAIT).untilAsserted(() -> {
            for (String name : firstPods) {
                Pod pod = client.pods().inNamespace(NS).withName(name).get();
                if (pod != null && running(pod)) {
                    exit(pod, pod.getMetadata().getAnnotations().get(INDEX).equals("0") ? 0 : 1);
                }
            }
            assertThat(firstPods).allSatisfy(name -> assertThat(running(client.pods().inNamespace(NS).withName(name).get())).isFalse());
        });
        await().atMost(WAIT).untilAsserted(() -> {
            Job j = client.batch().v1().jobs().inNamespace(NS).withName("render").get();
            assertThat(j.getStatus().getCompletedIndexes()).isEqualTo("0");
            assertThat(j.getStatus().getFailed()).isEqualTo(1);
            assertThat(podsOf("render").stream().filter(IndexedJobsTest::running)
                    .map(p -> p.getMetadata().getAnnotations().get(INDEX))).containsExactlyInAnyOrder("1", "2");
        });

        await().atMost(WAIT).untilAsserted(() -> {
            podsOf("render").stream().filter(IndexedJobsTest::running).forEach(p -> exit(p, 0));
            assertThat(condition("render", "Complete")).isEqualTo("CompletionsReached");
        });
        Job done = client.batch().v1().jobs().inNamespace(NS).withName("render").get();
        assertThat(done.getStatus().getCompletedIndexes()).isEqualTo("0-3");
        assertThat(done.getStatus().getSucceeded()).isEqualTo(4);
    }

    @Test
    void aPodFailurePolicyIgnoresOneExitCodeAndFailsTheJobOnAnother() {
        Job job = job("policy", 2, 2).editSpec().withBackoffLimit(0).withNewPodFailurePolicy()
                .addNewRule().withAction("Ignore").withNewOnExitCodes().withOperator("In").withValues(137).endOnExitCodes().endRule()
                .addNewRule().withAction("FailJob").withNewOnExitCodes().withContainerName("work").withOperator("In").withValues(42)
                .endOnExitCodes().endRule()
                .endPodFailurePolicy().endSpec().build();
        client.batch().v1().jobs().inNamespace(NS).resource(job).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(podsOf("policy")).hasSize(2));
        Pod first = podsOf("policy").stream().filter(p -> p.getMetadata().getAnnotations().get(INDEX).equals("0")).findFirst().orElseThrow();
        await().atMost(WAIT).untilAsserted(() -> {
            Pod fresh = client.pods().inNamespace(NS).withName(first.getMetadata().getName()).get();
            if (running(fresh)) {
                exit(fresh, 137);
            }
            assertThat(running(client.pods().inNamespace(NS).withName(first.getMetadata().getName()).get())).isFalse();
        });
        // Ignored: not counted against backoffLimit 0, and index 0 runs again.
        await().atMost(WAIT).untilAsserted(() -> assertThat(podsOf("policy").stream().filter(IndexedJobsTest::running)
                .map(p -> p.getMetadata().getAnnotations().get(INDEX))).containsExactlyInAnyOrder("0", "1"));
        assertThat(condition("policy", "Failed")).isNull();
        assertThat(client.batch().v1().jobs().inNamespace(NS).withName("policy").get().getStatus().getFailed()).isZero();

        Pod second = podsOf("policy").stream().filter(IndexedJobsTest::running)
                .filter(p -> p.getMetadata().getAnnotations().get(INDEX).equals("1")).findFirst().orElseThrow();
        await().atMost(WAIT).untilAsserted(() -> {
            Pod fresh = client.pods().inNamespace(NS).withName(second.getMetadata().getName()).get();
            if (running(fresh)) {
                exit(fresh, 42);
            }
            assertThat(condition("policy", "Failed")).isEqualTo("PodFailurePolicy");
        });
        Job failed = client.batch().v1().jobs().inNamespace(NS).withName("policy").get();
        assertThat(failed.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Failed")).singleElement()
                .satisfies(c -> assertThat(c.getMessage()).isEqualTo("Container work for pod " + NS + "/" + second.getMetadata().getName()
                        + " failed with exit code 42 matching FailJob rule at index 1"));
        assertThat(podsOf("policy").stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null
                && p.getStatus() != null && "Pending".equals(p.getStatus().getPhase()))).isEmpty();
    }
}
