package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.ContainerState;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.ExecResult;
import io.outpost.agent.runtime.Resources;
import io.outpost.agent.runtime.RuntimeFailure;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.agent.runtime.SandboxStatus;
import io.outpost.testing.Prerequisites;

/**
 * The containerd runtime against a real, managed containerd: Debian's containerd, runc and CNI
 * plugins, images built offline from busybox-static. Runs as root (containerd needs it); skips
 * locally naming what is missing, fails under CI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerdRuntimeSystemTest {

    private static final String POD_CIDR_PREFIX = "10.233.91.";

    /** An image name only the generated mirror configuration resolves (to the local registry). */
    private static final String MIRRORED_REGISTRY = "registry.outpost.test";

    private Path work;
    private BusyboxImages images;
    private int registryPort;
    private Process registry;
    private ContainerdConfig config;
    private ContainerdRuntime runtime;

    @BeforeAll
    void startContainerd() throws Exception {
        Prerequisites.requireBinary("containerd", "containerd");
        Prerequisites.requireBinary("runc", "runc");
        Prerequisites.requireBinary("ctr", "containerd");
        Prerequisites.require(Files.isExecutable(Path.of("/usr/lib/cni/bridge")),
                "/usr/lib/cni/bridge is missing; install it with: apt-get install -y containernetworking-plugins");
        Prerequisites.require("root".equals(System.getProperty("user.name")), "containerd needs root; run the test as root");
        work = Files.createTempDirectory("outpost-containerd");
        images = BusyboxImages.build(work.resolve("images"));
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            registryPort = probe.getLocalPort();
        }
        ContainerdConfig d = ContainerdConfig.defaults(work, POD_CIDR_PREFIX + "0/24");
        config = new ContainerdConfig(d.root(), d.containerdBinary(), d.runcBinary(), d.cniBinDir(), BusyboxImages.PAUSE,
                d.podCidr(), "optestctd0", Map.of(MIRRORED_REGISTRY, List.of("http://127.0.0.1:" + registryPort)), List.of());
        runtime = ContainerdRuntime.managed(config, "127.0.0.1");
        Path ctr = Path.of(Prerequisites.requireBinary("ctr", "containerd"));
        assertThat(ImageImport.importArchive(ctr, config.socket(), images.pauseArchive)).contains("local/pause");
        assertThat(ImageImport.importArchive(ctr, config.socket(), images.busyboxArchive)).contains("local/busybox");
    }

    @AfterAll
    void stopContainerd() throws IOException, InterruptedException {
        if (registry != null) {
            registry.destroy();
            registry.waitFor();
        }
        if (runtime == null) {
            return;
        }
        for (SandboxStatus s : runtime.listPodSandboxes()) {
            runtime.stopPodSandbox(s.id());
            runtime.removePodSandbox(s.id());
        }
        runtime.close();
        // The CNI bridge outlives containerd; this test made it, so it removes it.
        new ProcessBuilder("ip", "link", "del", "optestctd0").start().waitFor();
        try (Stream<Path> walk = Files.walk(work)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private SandboxConfig pod(String name) {
        String uid = UUID.randomUUID().toString();
        return new SandboxConfig(name, "default", uid, 0, work.resolve("pods").resolve("default_" + name + "_" + uid), false,
                Map.of("io.outpost/pod-uid", uid));
    }

    private ContainerConfig container(SandboxConfig pod, String name, String script, Resources resources) {
        return new ContainerConfig(name, 0, BusyboxImages.BUSYBOX, List.of("sh", "-c", script), List.of(), "",
                Map.of("GREETING", "hello"), List.of(), resources, pod.logDirectory().resolve(name).resolve("0.log"),
                Map.of("io.outpost/pod-uid", pod.uid(), "io.outpost/container", name));
    }

    private String runContainer(String sandboxId, ContainerConfig c) throws RuntimeFailure {
        String id = runtime.createContainer(sandboxId, c);
        runtime.startContainer(id);
        return id;
    }

    private ContainerStatus statusOf(String id) {
        return runtime.containerStatus(id).orElseThrow();
    }

    @Test
    void a_pod_runs_with_a_cni_ip_logs_in_cri_format_and_answers_exec() throws Exception {
        SandboxConfig pod = pod("loop");
        String sandbox = runtime.runPodSandbox(pod);
        ContainerConfig c = container(pod, "app", "while true; do echo \"tick $GREETING\"; sleep 1; done", Resources.NONE);
        String id = runContainer(sandbox, c);

        assertThat(statusOf(id).state()).isEqualTo(ContainerState.RUNNING);
        SandboxStatus s = runtime.sandboxStatus(sandbox).orElseThrow();
        assertThat(s.ready()).isTrue();
        assertThat(s.ip()).startsWith(POD_CIDR_PREFIX);
        assertThat(s.config()).isEqualTo(pod);

        ExecResult exec = runtime.execSync(id, List.of("sh", "-c", "echo $GREETING; hostname; echo oops >&2; exit 4"), Duration.ofSeconds(5));
        assertThat(exec.exitCode()).isEqualTo(4);
        assertThat(exec.stdout()).isEqualTo("hello\nloop\n");
        assertThat(exec.stderr()).isEqualTo("oops\n");
        assertThat(exec.timedOut()).isFalse();

        ExecResult slow = runtime.execSync(id, List.of("sleep", "5"), Duration.ofSeconds(1));
        assertThat(slow.timedOut()).isTrue();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Files.readString(c.logPath())).containsPattern("(?m)^\\S+ stdout F tick hello$"));
    }

    @Test
    void stop_gives_the_grace_period_then_kills() throws Exception {
        SandboxConfig pod = pod("stopper");
        String sandbox = runtime.runPodSandbox(pod);
        String polite = runContainer(sandbox, container(pod, "polite",
                "trap 'echo bye; exit 3' TERM; while true; do sleep 1 & wait; done", Resources.NONE));
        String stubborn = runContainer(sandbox, container(pod, "stubborn",
                "trap '' TERM; while true; do sleep 1; done", Resources.NONE));

        long t0 = System.nanoTime();
        runtime.stopContainer(polite, Duration.ofSeconds(20));
        Duration politeTook = Duration.ofNanos(System.nanoTime() - t0);
        ContainerStatus p = statusOf(polite);
        assertThat(p.state()).isEqualTo(ContainerState.EXITED);
        assertThat(p.exitCode()).isEqualTo(3);
        assertThat(p.reason()).isEqualTo("Error");
        assertThat(politeTook).isLessThan(Duration.ofSeconds(10));

        t0 = System.nanoTime();
        runtime.stopContainer(stubborn, Duration.ofSeconds(2));
        Duration stubbornTook = Duration.ofNanos(System.nanoTime() - t0);
        ContainerStatus s = statusOf(stubborn);
        assertThat(s.state()).isEqualTo(ContainerState.EXITED);
        assertThat(s.exitCode()).isEqualTo(137);
        assertThat(stubbornTook).isGreaterThanOrEqualTo(Duration.ofSeconds(2));

        runtime.removeContainer(polite);
        assertThat(runtime.containerStatus(polite)).isEmpty();
        runtime.stopContainer(polite, Duration.ofSeconds(1)); // idempotent once gone
    }

    @Test
    void a_container_over_its_memory_limit_is_oom_killed() throws Exception {
        SandboxConfig pod = pod("hog");
        String sandbox = runtime.runPodSandbox(pod);
        String id = runContainer(sandbox, container(pod, "hog", "a=aaaaaaaaaaaaaaaa; while true; do a=$a$a; done",
                new Resources(0, 100, 16L << 20)));
        await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(id).state() == ContainerState.EXITED);
        ContainerStatus s = statusOf(id);
        assertThat(s.reason()).isEqualTo("OOMKilled");
        assertThat(s.exitCode()).isEqualTo(137);
    }

    @Test
    void a_busy_container_reports_cpu_and_memory_usage() throws Exception {
        SandboxConfig pod = pod("busy");
        String sandbox = runtime.runPodSandbox(pod);
        String id = runContainer(sandbox, container(pod, "spin", "a=$(head -c 2000000 /dev/zero | tr '\\0' x); while true; do :; done",
                Resources.NONE));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<ContainerStats> stats = runtime.containerStats(Map.of("io.outpost/pod-uid", pod.uid()));
            assertThat(stats).singleElement().satisfies(s -> {
                assertThat(s.containerId()).isEqualTo(id);
                assertThat(s.name()).isEqualTo("spin");
                assertThat(s.cpuUsageCoreNanos()).isGreaterThan(100_000_000L);
                assertThat(s.memoryWorkingSetBytes()).isGreaterThan(1_000_000L);
            });
        });
        runtime.stopContainer(id, Duration.ZERO);
    }

    @Test
    void a_second_runtime_instance_adopts_what_runs() throws Exception {
        SandboxConfig pod = pod("adopted");
        String sandbox = runtime.runPodSandbox(pod);
        ContainerConfig c = container(pod, "app", "while true; do sleep 1; done", new Resources(200, 100, 32L << 20));
        String id = runContainer(sandbox, c);

        try (ContainerdRuntime again = ContainerdRuntime.connect("unix://" + config.socket(), "127.0.0.1")) {
            assertThat(again.listPodSandboxes()).anySatisfy(s -> {
                assertThat(s.id()).isEqualTo(sandbox);
                assertThat(s.config()).isEqualTo(pod);
                assertThat(s.ready()).isTrue();
            });
            List<ContainerStatus> mine = again.listContainers(Map.of("io.outpost/pod-uid", pod.uid()));
            assertThat(mine).singleElement().satisfies(st -> {
                assertThat(st.id()).isEqualTo(id);
                assertThat(st.sandboxId()).isEqualTo(sandbox);
                assertThat(st.running()).isTrue();
                assertThat(st.config()).isEqualTo(c);
            });
            assertThat(again.containerStatus(id).orElseThrow().sandboxId()).isEqualTo(sandbox);
            // A restarted agent creates the next attempt in the adopted sandbox.
            String next = again.createContainer(sandbox, container(pod, "sidecar", "sleep 1000", Resources.NONE));
            again.startContainer(next);
            assertThat(again.containerStatus(next).orElseThrow().running()).isTrue();
        }
        assertThat(statusOf(id).running()).isTrue();
    }

    @Test
    void image_pull_policy_is_honoured() throws Exception {
        SandboxConfig pod = pod("images");
        String sandbox = runtime.runPodSandbox(pod);
        ContainerConfig absent = new ContainerConfig("absent", 0, "127.0.0.1:1/nothing/here:1", List.of(), List.of(), "", Map.of(),
                List.of(), Resources.NONE, pod.logDirectory().resolve("absent/0.log"), Map.of());
        assertThatThrownBy(() -> runtime.createContainer(sandbox, absent, ContainerSecurity.DEFAULT,
                new ImagePull(ImagePull.Policy.NEVER, null)))
                .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.reason()).isEqualTo(Images.ERR_IMAGE_NEVER_PULL));
        assertThatThrownBy(() -> runtime.createContainer(sandbox, absent))
                .isInstanceOfSatisfying(RuntimeFailure.class, f -> assertThat(f.reason()).isEqualTo(Images.ERR_IMAGE_PULL));
        // An imported image runs under Never.
        String id = runtime.createContainer(sandbox, container(pod, "present", "sleep 1000", Resources.NONE),
                ContainerSecurity.DEFAULT, new ImagePull(ImagePull.Policy.NEVER, null));
        runtime.startContainer(id);
        assertThat(statusOf(id).running()).isTrue();
    }

    @Test
    void host_network_pods_use_the_node_address_and_host_ports_reach_a_pod() throws Exception {
        SandboxConfig hostPod = new SandboxConfig("hostnet", "default", UUID.randomUUID().toString(), 0,
                work.resolve("pods").resolve("hostnet"), true, Map.of());
        String hostSandbox = runtime.runPodSandbox(hostPod);
        assertThat(runtime.sandboxStatus(hostSandbox).orElseThrow().ip()).isEqualTo("127.0.0.1");

        int hostPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            hostPort = probe.getLocalPort();
        }
        SandboxConfig pod = pod("web");
        String sandbox = runtime.runPodSandbox(pod, new PodNetwork("", List.of(), List.of(), List.of(),
                List.of(new PodNetwork.PortMapping("TCP", 8080, hostPort, "127.0.0.1"))));
        String id = runContainer(sandbox, container(pod, "httpd",
                "mkdir -p /tmp/www && echo served > /tmp/www/index.html && httpd -f -p 8080 -h /tmp/www", Resources.NONE));
        assertThat(statusOf(id).running()).isTrue();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + hostPort + "/"))
                    .timeout(Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("served\n");
        });
    }

    @Test
    void security_context_and_volume_mounts_reach_the_container() throws Exception {
        Path volume = Files.createDirectories(work.resolve("volumes").resolve("cfg"));
        Files.writeString(volume.resolve("key"), "value");
        SandboxConfig pod = pod("secure");
        String sandbox = runtime.runPodSandbox(pod);
        ContainerConfig base = container(pod, "app", "sleep 1000", Resources.NONE);
        ContainerConfig c = new ContainerConfig(base.name(), 0, base.image(), base.command(), base.args(), "/etc/cfg", base.env(),
                List.of(new io.outpost.agent.runtime.Mount(volume, "/etc/cfg", true)), base.resources(), base.logPath(), base.labels());
        ContainerSecurity security = new ContainerSecurity(1000L, 2000L, List.of(), true, false, List.of(), List.of("ALL"),
                "", "", "", "", true);
        String id = runtime.createContainer(sandbox, c, security, ImagePull.IF_NOT_PRESENT);
        runtime.startContainer(id);

        ExecResult who = runtime.execSync(id, List.of("sh", "-c", "id -u; id -g; cat key; pwd"), Duration.ofSeconds(5));
        assertThat(who.stdout()).isEqualTo("1000\n2000\nvalue/etc/cfg\n");
        ExecResult write = runtime.execSync(id, List.of("sh", "-c", "touch /rootfs-file"), Duration.ofSeconds(5));
        assertThat(write.exitCode()).isNotZero();
        assertThat(write.stderr()).contains("Read-only file system");
    }

    @Test
    void a_crashed_containerd_is_restarted_and_its_containers_keep_running() throws Exception {
        SandboxConfig pod = pod("survivor");
        String sandbox = runtime.runPodSandbox(pod);
        String id = runContainer(sandbox, container(pod, "app", "sleep 1000", Resources.NONE));
        ManagedContainerd managed = runtime.managedContainerd().orElseThrow();
        long pid = managed.pid();
        int before = managed.restarts();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        // A call made while containerd is down waits for the restarted one instead of failing.
        assertThat(statusOf(id).running()).isTrue();

        await().atMost(Duration.ofSeconds(30)).until(() -> managed.restarts() > before);
        assertThat(managed.pid()).isNotEqualTo(pid);
        assertThat(statusOf(id).running()).isTrue();
        assertThat(runtime.sandboxStatus(sandbox).orElseThrow().ready()).isTrue();
    }

    @Test
    void an_image_is_pulled_through_the_configured_plain_http_mirror() throws Exception {
        String registryBinary = Prerequisites.requireBinary("docker-registry", "docker-registry");
        Path registryConfig = work.resolve("registry.yml");
        Files.writeString(registryConfig, "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: " + work.resolve("registry-data")
                + "\nhttp:\n  addr: 127.0.0.1:" + registryPort + "\n");
        registry = new ProcessBuilder(registryBinary, "serve", registryConfig.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("registry.log").toFile()).start();
        String skopeo = Prerequisites.requireBinary("skopeo", "skopeo");
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> BusyboxImages.run(skopeo, "copy",
                "--dest-tls-verify=false", "oci:" + images.layout + ":latest", "docker://127.0.0.1:" + registryPort + "/local/busybox:v2"));

        String image = MIRRORED_REGISTRY + "/local/busybox:v2";
        assertThat(runtime.images().status(image)).isEmpty();
        SandboxConfig pod = pod("pulled");
        String sandbox = runtime.runPodSandbox(pod);
        ContainerConfig base = container(pod, "app", "sleep 1000", Resources.NONE);
        ContainerConfig c = new ContainerConfig(base.name(), 0, image, base.command(), base.args(), "", base.env(), List.of(),
                base.resources(), base.logPath(), base.labels());
        String id = runtime.createContainer(sandbox, c, ContainerSecurity.DEFAULT, new ImagePull(ImagePull.Policy.ALWAYS, null));
        runtime.startContainer(id);
        assertThat(statusOf(id).running()).isTrue();
        assertThat(runtime.images().status(image)).isPresent();
    }

    @Test
    void image_garbage_collection_removes_an_unused_image_through_cri() throws Exception {
        Path spare = work.resolve("spare.tar");
        // Another config, so another image id: the same content under a second tag would be in use.
        BusyboxImages.run(Prerequisites.requireBinary("umoci", "umoci"), "config", "--image", images.layout + ":latest",
                "--config.cmd", "/bin/true", "--tag", "spare");
        BusyboxImages.run(Prerequisites.requireBinary("skopeo", "skopeo"), "copy", "oci:" + images.layout + ":spare",
                "docker-archive:" + spare + ":local/spare:1");
        ImageImport.importArchive(Path.of("/usr/bin/ctr"), config.socket(), spare);
        String spareId = runtime.images().status("docker.io/local/spare:1").orElseThrow().getId();
        // Only the spare image is offered to the collector, so other tests' images stay; a 0 %
        // threshold makes any disk "full".
        try (io.outpost.cri.CriChannel channel = io.outpost.cri.CriChannel.open("unix://" + config.socket())) {
            collectSpare(new CriImageNode(channel, BusyboxImages.PAUSE), spareId);
        }
        assertThat(runtime.images().status("docker.io/local/spare:1")).isEmpty();
    }

    private void collectSpare(CriImageNode cri, String spareId) {
        ImageGarbageCollector.Node onlySpare = new ImageGarbageCollector.Node() {
            public List<ImageGarbageCollector.Image> images() {
                return cri.images().stream().filter(i -> i.id().equals(spareId)).toList();
            }
            public java.util.Set<String> imagesInUse() {
                return cri.imagesInUse();
            }
            public ImageGarbageCollector.Disk imageDisk() {
                return cri.imageDisk();
            }
            public void remove(String id) {
                cri.remove(id);
            }
        };
        assertThat(cri.imageDisk().capacityBytes()).isPositive();
        assertThat(cri.images()).anySatisfy(i -> assertThat(i.pinned()).isTrue()); // the pause image
        ImageGarbageCollector gc = new ImageGarbageCollector(onlySpare, new ImageGarbageCollector.Policy(0, 0, Duration.ZERO),
                java.time.Clock.systemUTC());
        assertThat(gc.collect().removed()).containsExactly(spareId);
    }

    @Test
    void a_containerd_left_by_a_dead_agent_is_stopped_before_a_new_one_starts() throws Exception {
        ContainerdConfig other = new ContainerdConfig(work.resolve("second"), config.containerdBinary(), config.runcBinary(),
                config.cniBinDir(), BusyboxImages.PAUSE, "10.233.92.0/24", "optestctd1", Map.of(), List.of());
        ManagedContainerd first = new ManagedContainerd(other);
        first.start();
        long orphanPid = first.pid();
        first.abandon(); // the agent died; its containerd runs on

        ManagedContainerd second = new ManagedContainerd(other);
        try {
            second.start();
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(second.pid()).isPositive().isNotEqualTo(orphanPid);
        } finally {
            second.close();
        }
    }

    /** Pod start latency, image present: RunPodSandbox + CreateContainer + StartContainer → Running. */
    @Test
    void pod_start_latency() throws Exception {
        int runs = Integer.getInteger("outpost.containerd.latencyRuns", 20);
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            SandboxConfig pod = pod("lat" + i);
            long t0 = System.nanoTime();
            String sandbox = runtime.runPodSandbox(pod);
            String id = runContainer(sandbox, container(pod, "app", "sleep 1000", Resources.NONE));
            assertThat(statusOf(id).running()).isTrue();
            millis.add((System.nanoTime() - t0) / 1_000_000);
            runtime.stopPodSandbox(sandbox);
            runtime.removePodSandbox(sandbox);
        }
        millis.sort(null);
        long p50 = millis.get((int) Math.ceil(runs * 0.50) - 1);
        long p99 = millis.get((int) Math.ceil(runs * 0.99) - 1);
        System.out.printf("containerd pod start latency over %d runs: p50 %d ms, p99 %d ms, min %d ms, max %d ms%n", runs, p50, p99,
                millis.getFirst(), millis.getLast());
        long pid = runtime.managedContainerd().orElseThrow().pid();
        String rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .findFirst().orElse("VmRSS: ?");
        System.out.printf("containerd %s after %d pods%n", rss.replaceAll("\\s+", " "), runs);
        assertThat(p50).isPositive();
    }
}
