package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.ContainerState;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.ExecResult;
import io.outpost.agent.runtime.Resources;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.agent.runtime.SandboxStatus;
import io.outpost.testing.BusyboxImages;

/**
 * The containerd runtime's pods and containers against a real, managed containerd
 * ({@link ContainerdFixture}): CNI networking, logs, exec, stop, OOM, stats, adoption, supervision,
 * and pod start latency.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerdRuntimeSystemTest {

    private ContainerdFixture f;

    @BeforeAll
    void startContainerd() throws Exception {
        f = ContainerdFixture.start("optestctd0", "10.233.91.");
    }

    @AfterAll
    void stopContainerd() throws Exception {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void a_pod_runs_with_a_cni_ip_logs_in_cri_format_and_answers_exec() throws Exception {
        SandboxConfig pod = f.pod("loop");
        String sandbox = f.runtime.runPodSandbox(pod);
        ContainerConfig c = f.container(pod, "app", "while true; do echo \"tick $GREETING\"; sleep 1; done", Resources.NONE);
        String id = f.runContainer(sandbox, c);

        assertThat(f.statusOf(id).state()).isEqualTo(ContainerState.RUNNING);
        SandboxStatus s = f.runtime.sandboxStatus(sandbox).orElseThrow();
        assertThat(s.ready()).isTrue();
        assertThat(s.ip()).startsWith(f.podCidrPrefix);
        assertThat(s.config()).isEqualTo(pod);

        ExecResult exec = f.runtime.execSync(id, List.of("sh", "-c", "echo $GREETING; hostname; echo oops >&2; exit 4"), Duration.ofSeconds(5));
        assertThat(exec.exitCode()).isEqualTo(4);
        assertThat(exec.stdout()).isEqualTo("hello\nloop\n");
        assertThat(exec.stderr()).isEqualTo("oops\n");
        assertThat(exec.timedOut()).isFalse();

        ExecResult slow = f.runtime.execSync(id, List.of("sleep", "5"), Duration.ofSeconds(1));
        assertThat(slow.timedOut()).isTrue();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(Files.readString(c.logPath())).containsPattern("(?m)^\\S+ stdout F tick hello$"));
    }

    @Test
    void a_log_over_its_size_is_rotated_and_containerd_writes_a_fresh_one() throws Exception {
        SandboxConfig pod = f.pod("chatty");
        String sandbox = f.runtime.runPodSandbox(pod);
        ContainerConfig c = f.container(pod, "app", "i=0; while true; do i=$((i+1)); echo \"line $i\"; done", Resources.NONE);
        String id = f.runContainer(sandbox, c);
        ContainerLogRotator rotator = f.runtime.logRotator(java.time.Clock.systemUTC(), 64 * 1024, 3);
        for (int round = 0; round < 4; round++) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(c.logPath()) && Files.size(c.logPath()) >= 64 * 1024);
            assertThat(rotator.rotateAll()).contains(c.logPath());
            Thread.sleep(5); // distinct rotation timestamps
        }
        // The live file is written again after ReopenContainerLog, and only two rotated files stay.
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.size(c.logPath()) > 0);
        try (var files = Files.list(c.logPath().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("0.log.")).toList()).hasSize(2);
        }
        assertThat(Files.readString(c.logPath())).containsPattern("(?m)^\\S+ stdout F line \\d+$");
        f.runtime.stopContainer(id, Duration.ZERO);
    }

    @Test
    void the_relist_from_two_list_calls_sees_a_container_exit() throws Exception {
        SandboxConfig pod = f.pod("relisted");
        String sandbox = f.runtime.runPodSandbox(pod);
        String id = f.runContainer(sandbox, f.container(pod, "short", "sleep 1000", Resources.NONE));
        java.util.Map<String, String> running = f.runtime.podStates("io.outpost/pod-uid");
        assertThat(running.get(pod.uid())).contains(sandbox, id);
        f.runtime.stopContainer(id, Duration.ofSeconds(1));
        java.util.Map<String, String> exited = f.runtime.podStates("io.outpost/pod-uid");
        assertThat(exited.get(pod.uid())).as("an exit changes the pod's entry").isNotEqualTo(running.get(pod.uid())).contains(id);
        f.runtime.stopPodSandbox(sandbox);
        f.runtime.removeContainer(id);
        f.runtime.removePodSandbox(sandbox);
    }

    @Test
    void stop_gives_the_grace_period_then_kills() throws Exception {
        SandboxConfig pod = f.pod("stopper");
        String sandbox = f.runtime.runPodSandbox(pod);
        String polite = f.runContainer(sandbox, f.container(pod, "polite",
                "trap 'echo bye; exit 3' TERM; while true; do sleep 1 & wait; done", Resources.NONE));
        String stubborn = f.runContainer(sandbox, f.container(pod, "stubborn",
                "trap '' TERM; while true; do sleep 1; done", Resources.NONE));

        long t0 = System.nanoTime();
        f.runtime.stopContainer(polite, Duration.ofSeconds(20));
        Duration politeTook = Duration.ofNanos(System.nanoTime() - t0);
        ContainerStatus p = f.statusOf(polite);
        assertThat(p.state()).isEqualTo(ContainerState.EXITED);
        assertThat(p.exitCode()).isEqualTo(3);
        assertThat(p.reason()).isEqualTo("Error");
        assertThat(politeTook).isLessThan(Duration.ofSeconds(10));

        t0 = System.nanoTime();
        f.runtime.stopContainer(stubborn, Duration.ofSeconds(2));
        Duration stubbornTook = Duration.ofNanos(System.nanoTime() - t0);
        ContainerStatus s = f.statusOf(stubborn);
        assertThat(s.state()).isEqualTo(ContainerState.EXITED);
        assertThat(s.exitCode()).isEqualTo(137);
        assertThat(stubbornTook).isGreaterThanOrEqualTo(Duration.ofSeconds(2));

        f.runtime.removeContainer(polite);
        assertThat(f.runtime.containerStatus(polite)).isEmpty();
        f.runtime.stopContainer(polite, Duration.ofSeconds(1)); // idempotent once gone
    }

    @Test
    void a_container_over_its_memory_limit_is_oom_killed() throws Exception {
        SandboxConfig pod = f.pod("hog");
        String sandbox = f.runtime.runPodSandbox(pod);
        String id = f.runContainer(sandbox, f.container(pod, "hog", "a=aaaaaaaaaaaaaaaa; while true; do a=$a$a; done",
                new Resources(0, 100, 16L << 20)));
        await().atMost(Duration.ofSeconds(30)).until(() -> f.statusOf(id).state() == ContainerState.EXITED);
        ContainerStatus s = f.statusOf(id);
        assertThat(s.reason()).isEqualTo("OOMKilled");
        assertThat(s.exitCode()).isEqualTo(137);
    }

    @Test
    void a_busy_container_reports_cpu_and_memory_usage() throws Exception {
        SandboxConfig pod = f.pod("busy");
        String sandbox = f.runtime.runPodSandbox(pod);
        String id = f.runContainer(sandbox, f.container(pod, "spin", "a=$(head -c 2000000 /dev/zero | tr '\\0' x); while true; do :; done",
                Resources.NONE));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<ContainerStats> stats = f.runtime.containerStats(Map.of("io.outpost/pod-uid", pod.uid()));
            assertThat(stats).singleElement().satisfies(s -> {
                assertThat(s.containerId()).isEqualTo(id);
                assertThat(s.name()).isEqualTo("spin");
                assertThat(s.cpuUsageCoreNanos()).isGreaterThan(100_000_000L);
                assertThat(s.memoryWorkingSetBytes()).isGreaterThan(1_000_000L);
            });
        });
        f.runtime.stopContainer(id, Duration.ZERO);
    }

    @Test
    void a_second_runtime_instance_adopts_what_runs() throws Exception {
        SandboxConfig pod = f.pod("adopted");
        String sandbox = f.runtime.runPodSandbox(pod);
        ContainerConfig c = f.container(pod, "app", "while true; do sleep 1; done", new Resources(200, 100, 32L << 20));
        String id = f.runContainer(sandbox, c);

        try (ContainerdRuntime again = ContainerdRuntime.connect("unix://" + f.config.socket(), "127.0.0.1")) {
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
            String next = again.createContainer(sandbox, f.container(pod, "sidecar", "sleep 1000", Resources.NONE));
            again.startContainer(next);
            assertThat(again.containerStatus(next).orElseThrow().running()).isTrue();
        }
        assertThat(f.statusOf(id).running()).isTrue();
    }

    @Test
    void host_network_pods_use_the_node_address_and_host_ports_reach_a_pod() throws Exception {
        SandboxConfig hostPod = new SandboxConfig("hostnet", "default", UUID.randomUUID().toString(), 0,
                f.work.resolve("pods").resolve("hostnet"), true, Map.of());
        String hostSandbox = f.runtime.runPodSandbox(hostPod);
        assertThat(f.runtime.sandboxStatus(hostSandbox).orElseThrow().ip()).isEqualTo("127.0.0.1");

        int hostPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            hostPort = probe.getLocalPort();
        }
        SandboxConfig pod = f.pod("web");
        String sandbox = f.runtime.runPodSandbox(pod, new PodNetwork("", List.of(), List.of(), List.of(),
                List.of(new PodNetwork.PortMapping("TCP", 8080, hostPort, "127.0.0.1"))));
        String id = f.runContainer(sandbox, f.container(pod, "httpd",
                "mkdir -p /tmp/www && echo served > /tmp/www/index.html && httpd -f -p 8080 -h /tmp/www", Resources.NONE));
        assertThat(f.statusOf(id).running()).isTrue();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + hostPort + "/"))
                    .timeout(Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("served\n");
        });
    }

    @Test
    void security_context_and_volume_mounts_reach_the_container() throws Exception {
        Path volume = Files.createDirectories(f.work.resolve("volumes").resolve("cfg"));
        Files.writeString(volume.resolve("key"), "value");
        SandboxConfig pod = f.pod("secure");
        String sandbox = f.runtime.runPodSandbox(pod);
        ContainerConfig base = f.container(pod, "app", "sleep 1000", Resources.NONE);
        ContainerConfig c = new ContainerConfig(base.name(), 0, base.image(), base.command(), base.args(), "/etc/cfg", base.env(),
                List.of(new io.outpost.agent.runtime.Mount(volume, "/etc/cfg", true)), base.resources(), base.logPath(), base.labels());
        ContainerSecurity security = new ContainerSecurity(1000L, 2000L, List.of(), true, false, List.of(), List.of("ALL"),
                "", "", "", "", true);
        String id = f.runtime.createContainer(sandbox, c, security, ImagePull.IF_NOT_PRESENT);
        f.runtime.startContainer(id);

        ExecResult who = f.runtime.execSync(id, List.of("sh", "-c", "id -u; id -g; cat key; pwd"), Duration.ofSeconds(5));
        assertThat(who.stdout()).isEqualTo("1000\n2000\nvalue/etc/cfg\n");
        ExecResult write = f.runtime.execSync(id, List.of("sh", "-c", "touch /rootfs-file"), Duration.ofSeconds(5));
        assertThat(write.exitCode()).isNotZero();
        assertThat(write.stderr()).contains("Read-only file system");
    }

    @Test
    void a_crashed_containerd_is_restarted_and_its_containers_keep_running() throws Exception {
        SandboxConfig pod = f.pod("survivor");
        String sandbox = f.runtime.runPodSandbox(pod);
        String id = f.runContainer(sandbox, f.container(pod, "app", "sleep 1000", Resources.NONE));
        ManagedContainerd managed = f.runtime.managedContainerd().orElseThrow();
        long pid = managed.pid();
        int before = managed.restarts();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        // A call made while containerd is down waits for the restarted one instead of failing.
        assertThat(f.statusOf(id).running()).isTrue();

        await().atMost(Duration.ofSeconds(30)).until(() -> managed.restarts() > before);
        assertThat(managed.pid()).isNotEqualTo(pid);
        assertThat(f.statusOf(id).running()).isTrue();
        assertThat(f.runtime.sandboxStatus(sandbox).orElseThrow().ready()).isTrue();
    }

    @Test
    void a_containerd_left_by_a_dead_agent_is_stopped_before_a_new_one_starts() throws Exception {
        ContainerdConfig other = new ContainerdConfig(f.work.resolve("second"), f.config.containerdBinary(), f.config.runcBinary(),
                f.config.cniBinDir(), BusyboxImages.PAUSE, "10.233.92.0/24", "optestctd1", RegistryConfig.EMPTY);
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
            SandboxConfig pod = f.pod("lat" + i);
            long t0 = System.nanoTime();
            String sandbox = f.runtime.runPodSandbox(pod);
            String id = f.runContainer(sandbox, f.container(pod, "app", "sleep 1000", Resources.NONE));
            assertThat(f.statusOf(id).running()).isTrue();
            millis.add((System.nanoTime() - t0) / 1_000_000);
            f.runtime.stopPodSandbox(sandbox);
            f.runtime.removePodSandbox(sandbox);
        }
        millis.sort(null);
        long p50 = millis.get((int) Math.ceil(runs * 0.50) - 1);
        long p99 = millis.get((int) Math.ceil(runs * 0.99) - 1);
        System.out.printf("containerd pod start latency over %d runs: p50 %d ms, p99 %d ms, min %d ms, max %d ms%n", runs, p50, p99,
                millis.getFirst(), millis.getLast());
        long pid = f.runtime.managedContainerd().orElseThrow().pid();
        String rss = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .findFirst().orElse("VmRSS: ?");
        System.out.printf("containerd %s after %d pods%n", rss.replaceAll("\\s+", " "), runs);
        assertThat(p50).isPositive();
    }
}
