package io.outpost.agent.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import io.outpost.agent.runtime.process.ProcessRuntime;
import io.outpost.agent.runtime.simulated.SimulatedExits;
import io.outpost.agent.runtime.simulated.SimulatedRuntime;

/** The runtimes {@code outpost agent --runtime} can name, built in one place. */
public final class Runtimes {

    private Runtimes() {
    }

    /**
     * The runtime called {@code name} ({@code process} or {@code simulated}); an unknown name is an
     * {@link IllegalArgumentException} whose message names the flag and the choices.
     */
    public static ContainerRuntime create(String name, Path dataDir, Clock clock, String hostIp) throws IOException {
        return switch (name) {
            case "process" -> new ProcessRuntime(ProcessRuntime.Config.of(dataDir, clock, hostIp));
            case "simulated" -> new SimulatedRuntime(clock, SimulatedExits.FROM_ENV, hostIp);
            case "containerd" -> throw new IllegalArgumentException("--runtime containerd is not available yet; use process or simulated");
            default -> throw new IllegalArgumentException("--runtime " + name + " is unknown; use process or simulated");
        };
    }
}
