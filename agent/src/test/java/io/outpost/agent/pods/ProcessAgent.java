package io.outpost.agent.pods;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import io.outpost.agent.runtime.process.ProcessRuntime;
import io.outpost.agent.testing.InMemoryDesiredState;
import io.outpost.agent.testing.Pods;
import io.outpost.agent.testing.RecordingStatusSink;

/**
 * A pod manager on the process runtime over a data dir, as {@code outpost agent --runtime process}
 * would run it: opening a second one on the same data dir is an agent restart.
 */
final class ProcessAgent implements AutoCloseable {

    final ProcessRuntime runtime;
    final PodManager manager;
    final RecordingStatusSink sink = new RecordingStatusSink();

    ProcessAgent(Path dataDir, InMemoryDesiredState desired, Clock clock, Path sysfsCgroup) throws IOException {
        runtime = new ProcessRuntime(new ProcessRuntime.Config(dataDir.resolve("runtime/process"), clock, "127.0.0.1", sysfsCgroup,
                64 * 1024, 3));
        manager = new PodManager(new PodManagerConfig(Pods.NODE, dataDir, runtime, desired, sink, clock, "127.0.0.1",
                Duration.ofMillis(100), BackOffPolicy.KUBELET));
        manager.start();
    }

    ProcessAgent(Path dataDir, InMemoryDesiredState desired, Clock clock) throws IOException {
        this(dataDir, desired, clock, dataDir.resolve("no-cgroups"));
    }

    /** Kills and removes every container (after {@link #close()}, so no worker starts them again). */
    void removeEverything() {
        for (var c : runtime.listContainers()) {
            runtime.stopContainer(c.id(), Duration.ZERO);
            runtime.removeContainer(c.id());
        }
    }

    @Override
    public void close() {
        manager.close();
        runtime.close();
    }
}
