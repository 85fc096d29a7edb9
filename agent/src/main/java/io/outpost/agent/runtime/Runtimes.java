package io.outpost.agent.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import io.outpost.agent.runtime.containerd.ContainerdConfig;
import io.outpost.agent.runtime.containerd.ContainerdRuntime;
import io.outpost.agent.runtime.process.ProcessRuntime;
import io.outpost.agent.runtime.simulated.SimulatedExits;
import io.outpost.agent.runtime.simulated.SimulatedRuntime;

/** The runtimes {@code outpost agent --runtime} can name, built in one place. */
public final class Runtimes {

    private Runtimes() {
    }

    /**
     * The runtime called {@code name} ({@code containerd}, {@code process} or {@code simulated}); an unknown name is an
     * {@link IllegalArgumentException} whose message names the flag and the choices.
     */
    public static ContainerRuntime create(String name, Path dataDir, Clock clock, String hostIp) throws IOException {
        return create(name, dataDir, clock, hostIp, "");
    }

    /**
     * As {@link #create(String, Path, Clock, String)}; for {@code containerd}, {@code
     * containerRuntimeEndpoint} ({@code unix:///run/containerd/containerd.sock}) names an existing
     * containerd, and an empty one starts a managed containerd under {@code <dataDir>/containerd}
     * whose pods wait for the node's pod CIDR.
     */
    public static ContainerRuntime create(String name, Path dataDir, Clock clock, String hostIp, String containerRuntimeEndpoint)
            throws IOException {
        return create(name, dataDir, clock, hostIp, containerRuntimeEndpoint, "");
    }

    /**
     * As {@link #create(String, Path, Clock, String, String)}, a managed containerd's CNI network
     * starting with {@code podCidr}: the Node's {@code spec.podCIDR} as the local store last had
     * it (so an offline restart keeps the node's range), empty when the node has none yet.
     */
    public static ContainerRuntime create(String name, Path dataDir, Clock clock, String hostIp, String containerRuntimeEndpoint,
                                          String podCidr) throws IOException {
        return switch (name) {
            case "process" -> new ProcessRuntime(ProcessRuntime.Config.of(dataDir, clock, hostIp));
            case "simulated" -> new SimulatedRuntime(clock, SimulatedExits.FROM_ENV, hostIp);
            case "containerd" -> containerRuntimeEndpoint.isEmpty()
                    ? ContainerdRuntime.managed(ContainerdConfig.defaults(dataDir, podCidr), hostIp)
                    : ContainerdRuntime.connect(containerRuntimeEndpoint, hostIp);
            default -> throw new IllegalArgumentException("--runtime " + name + " is unknown; use containerd, process or simulated");
        };
    }

    /**
     * The runtime {@code outpost agent} uses when {@code --runtime} is not given (issue 7):
     * {@code containerd} when a containerd socket exists at {@code socket} (used as the endpoint),
     * {@code process} otherwise, also when containerd is only installed: a managed containerd is
     * chosen with {@code --runtime containerd}, as its pause image must be imported first.
     * {@code why} is the sentence the agent logs about the choice.
     *
     * @param endpoint the {@code --container-runtime-endpoint} to use, empty for a managed containerd
     */
    public record DefaultChoice(String name, String endpoint, String why) {
    }

    public static DefaultChoice defaultRuntime(Path socket, Path containerdBinary, Path runcBinary) {
        if (java.nio.file.Files.exists(socket)) {
            return new DefaultChoice("containerd", "unix://" + socket, "runtime containerd: found its socket " + socket);
        }
        if (java.nio.file.Files.isExecutable(containerdBinary) && java.nio.file.Files.isExecutable(runcBinary)) {
            // Not a managed containerd by default: its sandbox (pause) image is not pullable from
            // anywhere yet, so every pod would fail to get a sandbox on a host that has not imported it.
            return new DefaultChoice("process", "", "runtime process: containerd is installed (" + containerdBinary
                    + ") but not running at " + socket + "; pass --runtime containerd for one the agent manages, after"
                    + " importing its pause image " + ContainerdConfig.DEFAULT_SANDBOX_IMAGE + " with 'outpost images import'");
        }
        return new DefaultChoice("process", "", "runtime process: no containerd socket at " + socket + " and no " + containerdBinary
                + " with " + runcBinary + "; install containerd and runc (apt-get install -y containerd runc containernetworking-plugins)"
                + " to run container images");
    }

    /** {@link #defaultRuntime(Path, Path, Path)} with Debian's paths. */
    public static DefaultChoice defaultRuntime() {
        return defaultRuntime(Path.of("/run/containerd/containerd.sock"), Path.of("/usr/bin/containerd"), Path.of("/usr/bin/runc"));
    }
}
