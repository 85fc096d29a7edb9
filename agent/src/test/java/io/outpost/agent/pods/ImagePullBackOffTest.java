package io.outpost.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.ContainerRuntime;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.ExecResult;
import io.outpost.agent.runtime.RuntimeFailure;
import io.outpost.agent.runtime.RuntimeInfo;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.agent.runtime.SandboxStatus;
import io.outpost.agent.runtime.containerd.Images;
import io.outpost.agent.runtime.simulated.SimulatedExits;
import io.outpost.agent.runtime.simulated.SimulatedRuntime;
import io.outpost.agent.testing.InMemoryDesiredState;
import io.outpost.agent.testing.Pods;
import io.outpost.agent.testing.RecordingStatusSink;
import io.outpost.testing.FakeClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull that fails, as kubelet reports it: the container waits with {@code ErrImagePull}, then
 * {@code ImagePullBackOff} while the back-off (10 s doubling) runs, with kubelet's events; the
 * pull is retried when it ends; another pod on the node runs meanwhile. The runtime is the
 * simulated one, failing pulls of one image as containerd's does ({@link Images#ERR_IMAGE_PULL}).
 */
class ImagePullBackOffTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MISSING = "registry.invalid/missing:1";

    @TempDir
    Path dataDir;

    private final FakeClock clock = new FakeClock();
    private final InMemoryDesiredState desired = new InMemoryDesiredState();
    private final RecordingStatusSink sink = new RecordingStatusSink();
    private final AtomicInteger pulls = new AtomicInteger();
    private PodManager manager;

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void aMissingImageIsErrImagePullThenImagePullBackOffAndIsRetriedWhileOtherPodsRun() {
        ContainerRuntime runtime = new FailingPulls(new SimulatedRuntime(clock, SimulatedExits.NEVER, "10.1.0.1"));
        manager = new PodManager(new PodManagerConfig(Pods.NODE, dataDir, runtime, desired, sink, clock, "10.1.0.1",
                Duration.ofMillis(50), BackOffPolicy.KUBELET));
        manager.start();
        desired.put(Pods.shell("broken", "ignored").editSpec().editFirstContainer().withImage(MISSING).endContainer().endSpec().build());
        desired.put(Pods.shell("fine", "ignored").build());

        await().atMost(WAIT).until(() -> waitingReason("broken").equals("ImagePullBackOff"));
        assertThat(sink.events()).extracting(Event::getReason, Event::getNote).contains(
                org.assertj.core.groups.Tuple.tuple("Failed", "Failed to pull image \"" + MISSING + "\": not found"),
                org.assertj.core.groups.Tuple.tuple("Failed", "Error: ErrImagePull"),
                org.assertj.core.groups.Tuple.tuple("BackOff", "Back-off pulling image \"" + MISSING + "\""),
                org.assertj.core.groups.Tuple.tuple("Failed", "Error: ImagePullBackOff"));
        assertThat(sink.container("default", "broken", "main").orElseThrow().getState().getWaiting().getMessage())
                .isEqualTo("Back-off pulling image \"" + MISSING + "\"");
        await().atMost(WAIT).until(() -> sink.phase("default", "fine").equals("Running"));
        assertThat(pulls).as("no retry inside the back-off").hasValue(1);

        clock.advance(Duration.ofSeconds(10));
        await().atMost(WAIT).until(() -> pulls.get() == 2);
        await().atMost(WAIT).until(() -> waitingReason("broken").equals("ImagePullBackOff"));
        clock.advance(Duration.ofSeconds(10));
        assertThat(waitingReason("broken")).isEqualTo("ImagePullBackOff");
        assertThat(pulls).as("the second back-off is 20 s").hasValue(2);
        clock.advance(Duration.ofSeconds(10));
        await().atMost(WAIT).until(() -> pulls.get() == 3);
        assertThat(sink.phase("default", "broken")).isEqualTo("Pending");
    }

    private String waitingReason(String pod) {
        return sink.container("default", pod, "main").map(c -> c.getState().getWaiting() == null ? ""
                : c.getState().getWaiting().getReason()).orElse("");
    }

    /** The simulated runtime, but {@link #MISSING} cannot be pulled. */
    private final class FailingPulls implements ContainerRuntime {
        private final ContainerRuntime delegate;

        FailingPulls(ContainerRuntime delegate) {
            this.delegate = delegate;
        }

        @Override
        public String createContainer(String sandboxId, ContainerConfig config) throws RuntimeFailure {
            if (config.image().equals(MISSING)) {
                pulls.incrementAndGet();
                throw new RuntimeFailure(Images.ERR_IMAGE_PULL, "failed to pull image \"" + MISSING + "\": not found");
            }
            return delegate.createContainer(sandboxId, config);
        }

        @Override public RuntimeInfo info() { return delegate.info(); }
        @Override public String runPodSandbox(SandboxConfig config) throws RuntimeFailure { return delegate.runPodSandbox(config); }
        @Override public void stopPodSandbox(String sandboxId) { delegate.stopPodSandbox(sandboxId); }
        @Override public void removePodSandbox(String sandboxId) { delegate.removePodSandbox(sandboxId); }
        @Override public List<SandboxStatus> listPodSandboxes() { return delegate.listPodSandboxes(); }
        @Override public void startContainer(String containerId) throws RuntimeFailure { delegate.startContainer(containerId); }
        @Override public void stopContainer(String containerId, Duration timeout) { delegate.stopContainer(containerId, timeout); }
        @Override public void removeContainer(String containerId) { delegate.removeContainer(containerId); }
        @Override public List<ContainerStatus> listContainers() { return delegate.listContainers(); }
        @Override public List<ContainerStatus> listContainers(Map<String, String> labels) { return delegate.listContainers(labels); }
        @Override public Optional<ContainerStatus> containerStatus(String containerId) { return delegate.containerStatus(containerId); }
        @Override public ExecResult execSync(String containerId, List<String> command, Duration timeout) throws RuntimeFailure {
            return delegate.execSync(containerId, command, timeout);
        }
        @Override public void close() { delegate.close(); }
    }
}
