package io.outpost.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.outpost.agent.testing.InMemoryDesiredState;
import io.outpost.agent.testing.Pods;
import io.outpost.testing.FakeClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real host processes under the process runtime, driven by a pod manager. */
class ProcessPodsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private final InMemoryDesiredState desired = new InMemoryDesiredState();
    private final FakeClock clock = new FakeClock(java.time.Instant.now());
    private ProcessAgent agent;

    @AfterEach
    void stopEverything() {
        if (agent != null) {
            agent.close();
            agent.removeEverything();
        }
    }

    @Test
    void aPodRunsItsCommandAndItsOutputGoesToTheCriLog() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        Pod pod = Pods.shell("hello", "echo hello from $(POD); echo oops >&2; exec sleep 60")
                .editSpec().editFirstContainer().addNewEnv().withName("POD").withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv().endContainer().endSpec().build();
        desired.put(pod);

        await().atMost(WAIT).until(() -> agent.sink.phase("default", "hello").equals("Running"));
        var status = agent.sink.pod("default", "hello").orElseThrow();
        assertThat(status.getPodIP()).isEqualTo("127.0.0.1");
        assertThat(status.getHostIP()).isEqualTo("127.0.0.1");
        assertThat(status.getQosClass()).isEqualTo("BestEffort");
        assertThat(status.getStartTime()).isNotNull();
        assertThat(agent.sink.condition("default", "hello", "Ready")).isEqualTo("True");
        Path log = dataDir.resolve("logs/pods/default_hello_" + pod.getMetadata().getUid() + "/main/0.log");
        await().atMost(WAIT).until(() -> Files.exists(log) && Files.readAllLines(log).size() >= 2);
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).anyMatch(l -> l.matches("\\S+Z stdout F hello from hello"));
        assertThat(lines).anyMatch(l -> l.matches("\\S+Z stderr F oops"));
    }

    @Test
    void aContainerWithoutCommandIsReportedAsCreateContainerErrorAndNothingCrashes() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        Pod pod = new PodBuilder(Pods.shell("nocmd", "").build()).editSpec().editFirstContainer().withCommand().endContainer().endSpec().build();
        desired.put(pod);

        await().atMost(WAIT).until(() -> agent.sink.container("default", "nocmd", "main")
                .map(c -> c.getState().getWaiting() != null && "CreateContainerError".equals(c.getState().getWaiting().getReason()))
                .orElse(false));
        assertThat(agent.sink.container("default", "nocmd", "main").orElseThrow().getState().getWaiting().getMessage())
                .contains("has no command");
        assertThat(agent.sink.phase("default", "nocmd")).isEqualTo("Pending");
    }

    @Test
    void aCrashingContainerRestartsAtOnceThenWaitsInCrashLoopBackOffForTenSecondsThenTwenty() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        desired.put(Pods.shell("crash", "echo started; exit 3").build());

        await().atMost(WAIT).until(() -> waitingReason("crash").equals("CrashLoopBackOff"));
        var main = agent.sink.container("default", "crash", "main").orElseThrow();
        assertThat(main.getRestartCount()).isEqualTo(1);
        assertThat(main.getLastState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(main.getLastState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(main.getState().getWaiting().getMessage()).startsWith("back-off 10s restarting failed container=main pod=crash_default");
        String uid = desired.pods().getFirst().getMetadata().getUid();
        assertThat(agent.manager.logPath(uid, "main", false).orElseThrow()).hasFileName("1.log");
        assertThat(agent.manager.logPath(uid, "main", true).orElseThrow()).hasFileName("0.log").content().contains("stdout F started");
        assertThat(agent.sink.phase("default", "crash")).isEqualTo("Running");

        clock.advance(Duration.ofSeconds(10));
        await().atMost(WAIT).until(() -> restartCount("crash") == 2 && waitingReason("crash").equals("CrashLoopBackOff"));
        assertThat(agent.sink.container("default", "crash", "main").orElseThrow().getState().getWaiting().getMessage())
                .startsWith("back-off 20s");

        clock.advance(Duration.ofSeconds(10));
        assertThat(restartCount("crash")).isEqualTo(2);
        clock.advance(Duration.ofSeconds(10));
        await().atMost(WAIT).until(() -> restartCount("crash") == 3);
        assertThat(agent.sink.eventReasons()).contains("BackOff", "Started");
    }

    @Test
    void restartPolicyOnFailureLetsASuccessfulContainerSucceedAndNeverLetsAFailedOneFail() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        desired.put(Pods.shell("ok", "exit 0").editSpec().withRestartPolicy("OnFailure").endSpec().build());
        desired.put(Pods.shell("bad", "exit 7").editSpec().withRestartPolicy("Never").endSpec().build());

        await().atMost(WAIT).until(() -> agent.sink.phase("default", "ok").equals("Succeeded")
                && agent.sink.phase("default", "bad").equals("Failed"));
        var bad = agent.sink.container("default", "bad", "main").orElseThrow();
        assertThat(bad.getState().getTerminated().getExitCode()).isEqualTo(7);
        assertThat(bad.getRestartCount()).isZero();
        var ok = agent.sink.container("default", "ok", "main").orElseThrow();
        assertThat(ok.getState().getTerminated().getReason()).isEqualTo("Completed");
        assertThat(agent.sink.condition("default", "ok", "Ready")).isEqualTo("False");
    }

    @Test
    void initContainersRunInOrderBeforeTheContainers() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        Path out = Files.createDirectories(dataDir.resolve("shared"));
        Pod pod = Pods.shell("init", "cat out/order; exec sleep 60")
                .editSpec()
                .addNewVolume().withName("out").withNewHostPath().withPath(out.toString()).endHostPath().endVolume()
                .editFirstContainer().addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount().endContainer()
                .addNewInitContainer().withName("first").withImage("busybox").withCommand("sh", "-c", "sleep 0.3; echo first >> out/order")
                .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount().endInitContainer()
                .addNewInitContainer().withName("second").withImage("busybox").withCommand("sh", "-c", "echo second >> out/order")
                .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount().endInitContainer()
                .endSpec().build();
        desired.put(pod);

        await().atMost(WAIT).until(() -> agent.sink.phase("default", "init").equals("Running"));
        assertThat(Files.readAllLines(out.resolve("order"))).containsExactly("first", "second");
        var status = agent.sink.pod("default", "init").orElseThrow();
        assertThat(status.getInitContainerStatuses()).allMatch(s -> s.getState().getTerminated().getReason().equals("Completed"));
        assertThat(agent.sink.condition("default", "init", "Initialized")).isEqualTo("True");
    }

    @Test
    void aFailingLivenessProbeKillsTheContainerAndItIsRestarted() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        desired.put(Pods.shell("sick", "exec sleep 60").editSpec().editFirstContainer()
                .withNewLivenessProbe().withNewExec().withCommand("sh", "-c", "exit 1").endExec()
                .withPeriodSeconds(1).withFailureThreshold(1).endLivenessProbe().endContainer().endSpec().build());

        await().atMost(WAIT).until(() -> restartCount("sick") >= 1);
        var main = agent.sink.container("default", "sick", "main").orElseThrow();
        assertThat(main.getLastState().getTerminated().getExitCode()).isEqualTo(143);
        assertThat(agent.sink.events()).anyMatch(e -> e.getReason().equals("Killing") && e.getNote().contains("failed liveness probe"));
        assertThat(agent.sink.events()).anyMatch(e -> e.getReason().equals("Unhealthy") && e.getNote().startsWith("Liveness probe failed"));
    }

    @Test
    void aReadinessProbeFlipsReady() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        desired.put(Pods.shell("web", "exec sleep 60").editSpec().editFirstContainer()
                .withNewReadinessProbe().withNewExec().withCommand("test", "-f", "ready").endExec()
                .withPeriodSeconds(1).withFailureThreshold(1).endReadinessProbe().endContainer().endSpec().build());

        await().atMost(WAIT).until(() -> agent.sink.phase("default", "web").equals("Running"));
        assertThat(agent.sink.condition("default", "web", "Ready")).isEqualTo("False");
        Path root = dataDir.resolve("runtime/process/containers").resolve(agent.runtime.listContainers().getFirst().id()).resolve("root");
        Files.writeString(root.resolve("ready"), "");
        await().atMost(WAIT).until(() -> agent.sink.condition("default", "web", "Ready").equals("True"));
        assertThat(agent.sink.condition("default", "web", "ContainersReady")).isEqualTo("True");
        Files.delete(root.resolve("ready"));
        await().atMost(WAIT).until(() -> agent.sink.condition("default", "web", "Ready").equals("False"));
    }

    @Test
    void deletingAPodRunsPreStopThenSigtermAndReportsItTerminated() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        Path out = Files.createDirectories(dataDir.resolve("shared"));
        Pod pod = Pods.shell("graceful", "trap 'echo term >> out/events; exit 0' TERM; while :; do sleep 0.1; done")
                .editSpec()
                .addNewVolume().withName("out").withNewHostPath().withPath(out.toString()).endHostPath().endVolume()
                .editFirstContainer().addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount()
                .withNewLifecycle().withNewPreStop().withNewExec().withCommand("sh", "-c", "echo prestop >> out/events").endExec()
                .endPreStop().endLifecycle().endContainer().endSpec().build();
        desired.put(pod);
        await().atMost(WAIT).until(() -> agent.sink.phase("default", "graceful").equals("Running"));

        desired.put(Pods.deleting(pod, 10));
        await().atMost(WAIT).until(() -> agent.sink.terminated().contains("default/graceful/" + pod.getMetadata().getUid()));
        assertThat(Files.readAllLines(out.resolve("events"))).containsExactly("prestop", "term");
        assertThat(agent.sink.phase("default", "graceful")).isEqualTo("Succeeded");
        assertThat(agent.runtime.listContainers()).isEmpty();
        assertThat(agent.runtime.listPodSandboxes()).isEmpty();
    }

    @Test
    void aContainerThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        Pod pod = Pods.shell("stubborn", "trap '' TERM; while :; do sleep 0.1; done").build();
        desired.put(pod);
        await().atMost(WAIT).until(() -> agent.sink.phase("default", "stubborn").equals("Running"));

        desired.put(Pods.deleting(pod, 2));
        await().atMost(WAIT).until(() -> agent.sink.terminated().contains("default/stubborn/" + pod.getMetadata().getUid()));
        var main = agent.sink.container("default", "stubborn", "main").orElseThrow();
        assertThat(main.getState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(agent.sink.phase("default", "stubborn")).isEqualTo("Failed");
    }

    @Test
    void configMapVolumesAndEnvReachTheProcessThroughItsRootAndAMissingConfigMapWaits() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        Pod pod = Pods.shell("conf", "echo $(cat etc/app/greeting) $(cat $OUTPOST_ROOT/etc/app/greeting) $MODE; exec sleep 60")
                .editSpec()
                .addNewVolume().withName("app").withNewConfigMap().withName("app").endConfigMap().endVolume()
                .editFirstContainer().addNewVolumeMount().withName("app").withMountPath("/etc/app").endVolumeMount()
                .addNewEnv().withName("MODE").withNewValueFrom().withNewConfigMapKeyRef().withName("app").withKey("mode")
                .endConfigMapKeyRef().endValueFrom().endEnv().endContainer().endSpec().build();
        desired.put(pod);
        await().atMost(WAIT).until(() -> agent.sink.events().stream().anyMatch(e -> e.getReason().equals("FailedMount")));
        assertThat(agent.sink.phase("default", "conf")).isEqualTo("Pending");

        desired.put(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withNamespace("default").withName("app")
                .endMetadata().addToData("greeting", "hi").addToData("mode", "fast").build());
        await().atMost(WAIT).until(() -> agent.sink.phase("default", "conf").equals("Running"));
        Path log = dataDir.resolve("logs/pods/default_conf_" + pod.getMetadata().getUid() + "/main/0.log");
        await().atMost(WAIT).until(() -> Files.exists(log) && Files.readAllLines(log).size() >= 1);
        assertThat(Files.readAllLines(log)).extracting(l -> l.substring(l.indexOf(" F ") + 3)).containsExactly("hi hi fast");
    }

    @Test
    void aPodForceRemovedFromTheDesiredStateIsKilledAndCleanedUp() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        Pod pod = Pods.shell("forced", "exec sleep 60").build();
        desired.put(pod);
        await().atMost(WAIT).until(() -> agent.sink.phase("default", "forced").equals("Running"));
        desired.remove(pod);
        await().atMost(WAIT).until(() -> agent.runtime.listContainers().isEmpty() && agent.runtime.listPodSandboxes().isEmpty());
        assertThat(agent.manager.podUids()).isEmpty();
        assertThat(dataDir.resolve("pods").resolve(pod.getMetadata().getUid())).doesNotExist();
    }

    @Test
    void aStartupProbeHoldsReadinessUntilItSucceeds() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        desired.put(Pods.shell("slow", "exec sleep 60").editSpec().editFirstContainer()
                .withNewStartupProbe().withNewExec().withCommand("test", "-f", "started").endExec()
                .withPeriodSeconds(1).withFailureThreshold(600).endStartupProbe()
                .withNewReadinessProbe().withNewExec().withCommand("true").endExec().withPeriodSeconds(1).endReadinessProbe()
                .endContainer().endSpec().build());
        await().atMost(WAIT).until(() -> agent.sink.phase("default", "slow").equals("Running"));
        var main = agent.sink.container("default", "slow", "main").orElseThrow();
        assertThat(main.getStarted()).isFalse();
        assertThat(main.getReady()).isFalse();
        Path root = dataDir.resolve("runtime/process/containers").resolve(agent.runtime.listContainers().getFirst().id()).resolve("root");
        Files.writeString(root.resolve("started"), "");
        await().atMost(WAIT).until(() -> agent.sink.condition("default", "slow", "Ready").equals("True"));
        assertThat(agent.sink.container("default", "slow", "main").orElseThrow().getStarted()).isTrue();
    }

    @Test
    void aSidecarStartsBeforeTheNextInitContainerRunsBesideTheContainerAndStopsAfterIt() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        Path out = Files.createDirectories(dataDir.resolve("shared"));
        Pod pod = Pods.shell("job", "sleep 0.5; echo main-done >> out/events")
                .editSpec().withRestartPolicy("Never")
                .addNewVolume().withName("out").withNewHostPath().withPath(out.toString()).endHostPath().endVolume()
                .editFirstContainer().addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount().endContainer()
                .addNewInitContainer().withName("proxy").withImage("busybox").withRestartPolicy("Always")
                .withCommand("sh", "-c", "trap 'echo proxy-stopped >> out/events; exit 0' TERM; touch out/proxy-up; while :; do sleep 0.1; done")
                .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount().endInitContainer()
                .addNewInitContainer().withName("wait-for-proxy").withImage("busybox")
                .withCommand("sh", "-c", "while [ ! -f out/proxy-up ]; do sleep 0.05; done; echo init-done >> out/events")
                .addNewVolumeMount().withName("out").withMountPath("/out").endVolumeMount().endInitContainer()
                .endSpec().build();
        desired.put(pod);

        await().atMost(WAIT).until(() -> agent.sink.phase("default", "job").equals("Succeeded")
                && Files.exists(out.resolve("events")) && Files.readAllLines(out.resolve("events")).size() == 3);
        assertThat(Files.readAllLines(out.resolve("events"))).containsExactly("init-done", "main-done", "proxy-stopped");
        var status = agent.sink.pod("default", "job").orElseThrow();
        assertThat(status.getInitContainerStatuses()).extracting(s -> s.getName()).containsExactly("proxy", "wait-for-proxy");
        // the sidecar wrote its last line; its shim records the exit right after
        await().atMost(WAIT).until(() -> agent.runtime.listContainers().stream().noneMatch(c -> c.running()));
    }

    @Test
    void longLinesAreSplitIntoPartialsAndTheLogRotatesBySize() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock); // logs rotate at 64 KiB, 3 files kept
        Pod pod = Pods.shell("chatty", "head -c 40000 /dev/zero | tr '\\0' y; echo; "
                + "i=0; while [ $i -lt 1200 ]; do echo line-$i-padding-padding-padding-padding; i=$((i+1)); done; echo done; exec sleep 60").build();
        desired.put(pod);
        Path dir = dataDir.resolve("logs/pods/default_chatty_" + pod.getMetadata().getUid() + "/main");
        await().atMost(WAIT).until(() -> Files.exists(dir.resolve("0.log")) && Files.readString(dir.resolve("0.log")).contains(" stdout F done"));
        List<String> files;
        try (var list = Files.list(dir)) {
            files = list.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(files).hasSizeBetween(2, 3).contains("0.log");
        assertThat(Files.size(dir.resolve("0.log"))).isLessThanOrEqualTo(64 * 1024);
        List<String> all = new java.util.ArrayList<>();
        for (String f : files.subList(1, files.size())) { // rotated ones, oldest first
            all.addAll(Files.readAllLines(dir.resolve(f)));
        }
        all.addAll(Files.readAllLines(dir.resolve("0.log")));
        assertThat(all.getLast()).endsWith(" stdout F done");
        assertThat(all).allMatch(l -> l.matches("\\S+Z stdout [FP] .*"));
        List<String> ys = all.stream().filter(l -> l.contains("yyyy")).toList();
        assertThat(ys).as("a 40000-byte line: two 16 KiB partials, then the rest").hasSize(3);
        assertThat(ys.get(0)).contains(" P ").hasSize(ys.get(0).indexOf(" P ") + 3 + 16384);
        assertThat(ys.get(2)).contains(" F ");
    }

    @Test
    void aChangedImageRestartsTheContainerWhateverTheRestartPolicy() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        Pod pod = Pods.shell("upgrade", "exec sleep 60").editSpec().withRestartPolicy("Never").endSpec().build();
        desired.put(pod);
        await().atMost(WAIT).until(() -> agent.sink.phase("default", "upgrade").equals("Running"));

        desired.put(new PodBuilder(pod).editSpec().editFirstContainer().withImage("busybox:1.37").endContainer().endSpec().build());
        await().atMost(WAIT).until(() -> restartCount("upgrade") == 1
                && agent.sink.container("default", "upgrade", "main").map(c -> c.getState().getRunning() != null).orElse(false));
        assertThat(agent.sink.container("default", "upgrade", "main").orElseThrow().getImage()).isEqualTo("busybox:1.37");
        assertThat(agent.sink.events()).anyMatch(e -> e.getNote() != null && e.getNote().contains("definition changed"));
    }

    @Test
    void aCommandThatIsNotOnTheHostIsARunContainerErrorRetriedWithBackOff() throws IOException {
        agent = new ProcessAgent(dataDir, desired, clock);
        desired.put(Pods.shell("typo", "").editSpec().editFirstContainer().withCommand("no-such-binary-here").endContainer().endSpec().build());
        await().atMost(WAIT).until(() -> waitingReason("typo").equals("RunContainerError"));
        assertThat(agent.sink.container("default", "typo", "main").orElseThrow().getState().getWaiting().getMessage())
                .contains("executable file not found");
        // the first retry is at once (as after a first crash), the next waits 10 s
        await().atMost(WAIT).until(() -> created("typo") == 2);
        clock.advance(Duration.ofSeconds(5));
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> created("typo") == 2);
        clock.advance(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> created("typo") == 3);
        assertThat(waitingReason("typo")).isEqualTo("RunContainerError");
    }

    private String waitingReason(String pod) {
        return agent.sink.container("default", pod, "main")
                .map(c -> c.getState().getWaiting() == null ? "" : c.getState().getWaiting().getReason()).orElse("");
    }

    private long created(String pod) {
        return agent.sink.events().stream().filter(e -> e.getReason().equals("Created")
                && e.getRegarding().getName().equals(pod)).count();
    }

    private int restartCount(String pod) {
        return agent.sink.container("default", pod, "main").map(c -> c.getRestartCount()).orElse(-1);
    }
}
