package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.Resources;
import io.outpost.agent.runtime.RuntimeFailure;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.agent.runtime.SandboxStatus;
import io.outpost.testing.BusyboxImages;
import io.outpost.testing.Prerequisites;

/**
 * A managed containerd for system tests, in a temporary directory: Debian's containerd, runc and
 * CNI plugins, busybox and pause images built offline and imported, a CNI bridge of the test's
 * own, and a mirror entry for {@link #MIRRORED_REGISTRY} pointing at a loopback port a test may
 * start a registry on. Needs root; skips locally naming what is missing, fails under CI.
 * {@link #close()} removes every sandbox, stops containerd, deletes the bridge and the directory.
 */
final class ContainerdFixture implements AutoCloseable {

    /** An image registry only the generated mirror configuration resolves (to {@link #registryPort}). */
    static final String MIRRORED_REGISTRY = "registry.outpost.test";

    final Path work;
    final BusyboxImages images;
    final int registryPort;
    final ContainerdConfig config;
    final ContainerdRuntime runtime;
    final String podCidrPrefix;

    private ContainerdFixture(Path work, BusyboxImages images, int registryPort, ContainerdConfig config, ContainerdRuntime runtime,
                              String podCidrPrefix) {
        this.work = work;
        this.images = images;
        this.registryPort = registryPort;
        this.config = config;
        this.runtime = runtime;
        this.podCidrPrefix = podCidrPrefix;
    }

    /** @param podCidrPrefix the first three octets and a dot of a /24 no other test uses ({@code 10.233.91.}) */
    static ContainerdFixture start(String bridge, String podCidrPrefix) throws Exception {
        Prerequisites.requireBinary("containerd", "containerd");
        Prerequisites.requireBinary("runc", "runc");
        Path ctr = Path.of(Prerequisites.requireBinary("ctr", "containerd"));
        Prerequisites.require(Files.isExecutable(Path.of("/usr/lib/cni/bridge")),
                "/usr/lib/cni/bridge is missing; install it with: apt-get install -y containernetworking-plugins");
        Prerequisites.require("root".equals(System.getProperty("user.name")), "containerd needs root; run the test as root");
        Path work = Files.createTempDirectory("outpost-containerd");
        BusyboxImages images = BusyboxImages.build(work.resolve("images"));
        int registryPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            registryPort = probe.getLocalPort();
        }
        ContainerdConfig d = ContainerdConfig.defaults(work, podCidrPrefix + "0/24");
        ContainerdConfig config = new ContainerdConfig(d.root(), d.containerdBinary(), d.runcBinary(), d.cniBinDir(), BusyboxImages.PAUSE,
                d.podCidr(), bridge, new RegistryConfig(Map.of(MIRRORED_REGISTRY,
                        new RegistryConfig.Mirror(List.of(java.net.URI.create("http://127.0.0.1:" + registryPort)))), Map.of()));
        ContainerdRuntime runtime = ContainerdRuntime.managed(config, "127.0.0.1");
        assertThat(ImageImport.importArchive(ctr, config.socket(), images.pauseArchive)).contains("local/pause");
        assertThat(ImageImport.importArchive(ctr, config.socket(), images.busyboxArchive)).contains("local/busybox");
        return new ContainerdFixture(work, images, registryPort, config, runtime, podCidrPrefix);
    }

    SandboxConfig pod(String name) {
        String uid = UUID.randomUUID().toString();
        return new SandboxConfig(name, "default", uid, 0, work.resolve("pods").resolve("default_" + name + "_" + uid), false,
                Map.of("io.outpost/pod-uid", uid));
    }

    ContainerConfig container(SandboxConfig pod, String name, String script, Resources resources) {
        return new ContainerConfig(name, 0, BusyboxImages.BUSYBOX, List.of("sh", "-c", script), List.of(), "",
                Map.of("GREETING", "hello"), List.of(), resources, pod.logDirectory().resolve(name).resolve("0.log"),
                Map.of("io.outpost/pod-uid", pod.uid(), "io.outpost/container", name));
    }

    String runContainer(String sandboxId, ContainerConfig c) throws RuntimeFailure {
        String id = runtime.createContainer(sandboxId, c);
        runtime.startContainer(id);
        return id;
    }

    ContainerStatus statusOf(String id) {
        return runtime.containerStatus(id).orElseThrow();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (SandboxStatus s : runtime.listPodSandboxes()) {
            runtime.stopPodSandbox(s.id());
            runtime.removePodSandbox(s.id());
        }
        runtime.close();
        // The CNI bridge outlives containerd; this fixture made it, so it removes it.
        new ProcessBuilder("ip", "link", "del", config.bridgeName()).start().waitFor();
        try (Stream<Path> walk = Files.walk(work)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
