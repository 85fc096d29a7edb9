package io.outpost.agent.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import io.outpost.agent.runtime.containerd.ContainerdConfig;
import io.outpost.agent.runtime.containerd.ContainerdRuntime;
import io.outpost.agent.runtime.containerd.PauseImage;
import io.outpost.agent.runtime.containerd.RegistryConfig;
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
        return create(name, dataDir, clock, hostIp, containerRuntimeEndpoint, RegistryConfig.EMPTY, "");
    }

    /**
     * As {@link #create(String, Path, Clock, String, String)}, a managed containerd configured with
     * {@code registries} ({@code --registry-config}) and a CNI network starting with {@code podCidr}:
     * the Node's {@code spec.podCIDR} as the local store last had it (so an offline restart keeps
     * the node's range), empty when the node has none yet. An existing containerd keeps its own
     * registry and CNI configuration: the agent does not rewrite another's config.
     */
    public static ContainerRuntime create(String name, Path dataDir, Clock clock, String hostIp, String containerRuntimeEndpoint,
                                          RegistryConfig registries, String podCidr) throws IOException {
        return switch (name) {
            case "process" -> new ProcessRuntime(ProcessRuntime.Config.of(dataDir, clock, hostIp));
            case "simulated" -> new SimulatedRuntime(clock, SimulatedExits.FROM_ENV, hostIp);
            case "containerd" -> containerRuntimeEndpoint.isEmpty()
                    ? ContainerdRuntime.managed(ContainerdConfig.defaults(dataDir, podCidr).withRegistries(registries), hostIp)
                    : ContainerdRuntime.connect(containerRuntimeEndpoint, hostIp);
            default -> throw new IllegalArgumentException("--runtime " + name + " is unknown; use containerd, process or simulated");
        };
    }

    /**
     * The runtime {@code outpost agent} uses when {@code --runtime} is not given (issue 7):
     * {@code containerd} when a containerd socket exists at {@code socket} (used as the endpoint);
     * a managed {@code containerd} when containerd, its {@code ctr}, runc and the CNI bridge plugin
     * are installed and the agent has a pause image for this architecture ({@link
     * PauseImage}: it imports its own); {@code process} otherwise. {@code why} is the sentence the
     * agent logs about the choice, naming what to install when something is missing.
     *
     * @param endpoint the {@code --container-runtime-endpoint} to use, empty for a managed containerd
     */
    public record DefaultChoice(String name, String endpoint, String why) {
    }

    public static DefaultChoice defaultRuntime(Path socket, Path containerdBinary, Path runcBinary, Path cniBinDir, String osArch) {
        return defaultRuntime(socket, containerdBinary, runcBinary, cniBinDir, osArch, true);
    }

    /**
     * As above, for a process that is root or not: a managed containerd needs root (mounts,
     * network namespaces, cgroups), so an unprivileged agent (a developer's {@code ./outpost
     * server}) runs processes rather than fail to start, and the log says why.
     */
    public static DefaultChoice defaultRuntime(Path socket, Path containerdBinary, Path runcBinary, Path cniBinDir, String osArch,
                                               boolean root) {
        if (Files.exists(socket)) {
            return new DefaultChoice("containerd", "unix://" + socket, "runtime containerd: found its socket " + socket);
        }
        String install = "apt-get install -y containerd runc containernetworking-plugins";
        if (!Files.isExecutable(containerdBinary) || !Files.isExecutable(runcBinary)) {
            return new DefaultChoice("process", "", "runtime process: no containerd socket at " + socket + " and no " + containerdBinary
                    + " with " + runcBinary + "; install containerd and runc (" + install + ") to run container images");
        }
        if (!root) {
            return new DefaultChoice("process", "", "runtime process: containerd is installed (" + containerdBinary + ") but the"
                    + " agent is not root, and a containerd it starts needs root (mounts, network namespaces, cgroups); run it as"
                    + " root to run container images, or pass --runtime process to say so");
        }
        java.util.List<String> missing = new java.util.ArrayList<>();
        Path ctr = containerdBinary.resolveSibling("ctr");
        if (!Files.isExecutable(ctr)) {
            missing.add(ctr + " (containerd's client, to import images)");
        }
        if (!Files.isExecutable(cniBinDir.resolve("bridge"))) {
            missing.add(cniBinDir.resolve("bridge") + " (containernetworking-plugins, for pod networks)");
        }
        if (PauseImage.architecture(osArch).isEmpty()) {
            missing.add("a pause image for " + osArch + " (the agent carries amd64 and arm64 ones)");
        }
        if (!missing.isEmpty()) {
            return new DefaultChoice("process", "", "runtime process: containerd is installed (" + containerdBinary + ") but "
                    + String.join(" and ", missing) + " is missing; " + install + ", or pass --runtime containerd after importing a"
                    + " pause image as " + ContainerdConfig.DEFAULT_SANDBOX_IMAGE + " with 'outpost images import'");
        }
        return new DefaultChoice("containerd", "", "runtime containerd: containerd and runc are installed (" + containerdBinary
                + ") and none runs at " + socket + ", so the agent starts and supervises its own under its data dir, with its own"
                + " pause image " + ContainerdConfig.DEFAULT_SANDBOX_IMAGE);
    }

    /** {@link #defaultRuntime(Path, Path, Path, Path, String)} with Debian's paths and this JVM's architecture. */
    public static DefaultChoice defaultRuntime() {
        return defaultRuntime(Path.of("/run/containerd/containerd.sock"), Path.of("/usr/bin/containerd"), Path.of("/usr/bin/runc"),
                Path.of("/usr/lib/cni"), System.getProperty("os.arch"), effectiveUid() == 0);
    }

    /** This process's effective uid ({@code /proc/self/status}), or -1 if it cannot be read. */
    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]); // real, effective, saved, fs
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
