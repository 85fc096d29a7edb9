package io.outpost.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.outpost.agent.runtime.simulated.SimulatedExits;
import io.outpost.agent.runtime.simulated.SimulatedRuntime;
import io.outpost.agent.testing.InMemoryDesiredState;
import io.outpost.agent.testing.Pods;
import io.outpost.agent.testing.RecordingStatusSink;
import io.outpost.testing.FakeClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated runtime behind the same pod manager: states without processes, for scale runs. */
class SimulatedPodsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private final FakeClock clock = new FakeClock();
    private final InMemoryDesiredState desired = new InMemoryDesiredState();
    private final RecordingStatusSink sink = new RecordingStatusSink();
    private PodManager manager;

    private void start(SimulatedExits exits) {
        start(exits, Duration.ofMillis(50));
    }

    private void start(SimulatedExits exits, Duration resync) {
        SimulatedRuntime runtime = new SimulatedRuntime(clock, exits, "10.1.0.1");
        manager = new PodManager(new PodManagerConfig(Pods.NODE, dataDir, runtime, desired, sink, clock, "10.1.0.1",
                resync, BackOffPolicy.KUBELET));
        manager.start();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void aSimulatedPodRunsAndItsProbesSucceed() {
        start(SimulatedExits.NEVER);
        desired.put(Pods.shell("sim", "ignored").editSpec().editFirstContainer().withNewReadinessProbe().withNewHttpGet()
                .withNewPort(8080).endHttpGet().withPeriodSeconds(1).endReadinessProbe().endContainer().endSpec().build());
        await().atMost(WAIT).until(() -> sink.condition("default", "sim", "Ready").equals("True"));
        assertThat(sink.phase("default", "sim")).isEqualTo("Running");
        assertThat(sink.container("default", "sim", "main").orElseThrow().getContainerID()).startsWith("simulated://");
    }

    @Test
    void aSimulatedExitDrivesTheRestartPolicy() {
        start(c -> Optional.of(new SimulatedExits.Exit(Duration.ofSeconds(5), 1)));
        desired.put(Pods.shell("flaky", "ignored").editSpec().withRestartPolicy("OnFailure").endSpec().build());
        await().atMost(WAIT).until(() -> sink.phase("default", "flaky").equals("Running"));
        clock.advance(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> sink.container("default", "flaky", "main").map(c -> c.getRestartCount() == 1).orElse(false));
        clock.advance(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> sink.container("default", "flaky", "main")
                .map(c -> c.getState().getWaiting() != null && c.getState().getWaiting().getReason().equals("CrashLoopBackOff")).orElse(false));
    }

    @Test
    void aSimulatedSuccessCompletesANeverPod() {
        start(SimulatedExits.FROM_ENV);
        desired.put(Pods.shell("job", "ignored").editSpec().withRestartPolicy("Never").editFirstContainer()
                .addNewEnv().withName("OUTPOST_SIMULATED_EXIT_CODE").withValue("0").endEnv().endContainer().endSpec().build());
        await().atMost(WAIT).until(() -> sink.phase("default", "job").equals("Succeeded"));
    }

    @Test
    void simulatedPodsResolveTheirVolumesWithoutWritingThem() {
        start(SimulatedExits.NEVER);
        desired.put(Pods.shell("vol", "ignored").editSpec().addNewVolume().withName("cfg").withNewConfigMap().withName("cfg")
                .endConfigMap().endVolume().endSpec().build());
        await().atMost(WAIT).until(() -> sink.eventReasons().contains("FailedMount"));
        assertThat(sink.phase("default", "vol")).isEqualTo("Pending");
        desired.put(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withNamespace("default").withName("cfg")
                .endMetadata().addToData("k", "v").build());
        await().atMost(WAIT).until(() -> sink.phase("default", "vol").equals("Running"));
        assertThat(dataDir.resolve("pods")).doesNotExist();
    }

    @Test
    void aPodWaitingForItsConfigMapOrTokenStartsWhenItArrivesNotAtTheNextResync() {
        start(SimulatedExits.NEVER, Duration.ofHours(1));
        desired.put(Pods.shell("other", "ignored").build());
        desired.put(Pods.shell("waits", "ignored").editSpec()
                .addNewVolume().withName("cfg").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
                .addNewVolume().withName("api").withNewProjected().addNewSource().withNewServiceAccountToken().withPath("token")
                .withExpirationSeconds(3607L).endServiceAccountToken().endSource().endProjected().endVolume().endSpec().build());
        await().atMost(WAIT).until(() -> sink.eventReasons().contains("FailedMount"));
        await().atMost(WAIT).until(() -> sink.phase("default", "other").equals("Running"));

        desired.put(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withNamespace("default").withName("cfg")
                .endMetadata().addToData("k", "v").build());
        await().atMost(WAIT).until(() -> sink.eventReasons().stream().filter("FailedMount"::equals).count() >= 2);
        assertThat(sink.phase("default", "waits")).as("still without its token").isEqualTo("Pending");
        desired.token("default", "waits", "eyJ.token");

        await().atMost(WAIT).until(() -> sink.phase("default", "waits").equals("Running"));
    }
}
