package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.agent.runtime.SandboxStatus;
import io.outpost.agent.runtime.containerd.ContainerdRuntime;
import io.outpost.testing.BusyboxImages;
import io.outpost.testing.LocalRegistry;
import io.outpost.testing.Prerequisites;

/**
 * {@code outpost agent --runtime containerd} end to end (issue 7): the server in this JVM, one
 * agent process that starts and supervises its own containerd under its data dir, images built
 * offline from busybox-static and loaded with {@code outpost images import}. A Deployment of a
 * busybox {@code httpd} with an HTTP readiness probe runs with CNI pod IPs and turns Ready; an
 * image that does not exist is {@code ErrImagePull}/{@code ImagePullBackOff} with an Event while
 * the other pods run; an imported image runs with {@code imagePullPolicy: Never}; the agent
 * restarted adopts the running containers (same ids, no restart). Prints the pods' start latency
 * and the agent's and containerd's memory.
 *
 * <p>Needs root, containerd, runc, containernetworking-plugins, umoci, skopeo and busybox-static;
 * skips locally naming what is missing, fails under CI. Cleans up: the pods are deleted through
 * the API (the agent removes their sandboxes), then the agent stops its containerd, and the CNI
 * bridge is removed.
 */
@Tag("system")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentContainerdIT {

    private static final Duration SLOW = Duration.ofMinutes(3);
    private static final String NODE = "edge-ctr";
    /** The managed containerd's CNI bridge ({@code ContainerdConfig.defaults}). */
    private static final String BRIDGE = "outpost0";

    @TempDir
    static Path dir;

    static ServerFixture server;
    static KubernetesClient client;
    static Kubectl kubectl;
    static BusyboxImages images;
    static Path agentData;
    static AgentProcess agent;
    static LocalRegistry registry;
    /** Resolved only by the agent's registries.yaml, to {@link #registry}. */
    static final String MIRRORED = "registry.outpost.test";

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireBinary("containerd", "containerd");
        Prerequisites.requireBinary("runc", "runc");
        Prerequisites.requireBinary("ctr", "containerd");
        Prerequisites.requireBinary("ip", "iproute2");
        Prerequisites.require(Files.isExecutable(Path.of("/usr/lib/cni/bridge")),
                "/usr/lib/cni/bridge is missing; install it with: apt-get install -y containernetworking-plugins");
        Prerequisites.require("root".equals(System.getProperty("user.name")), "containerd needs root; run the test as root");
        images = BusyboxImages.build(Files.createDirectories(dir.resolve("images")));
        assertThat(AgentProcess.LAUNCHER).as("the launcher, found from the module folder").isExecutable();
        kubectl = Kubectl.find(dir, dir.resolve("data/admin.kubeconfig"));
        server = ServerFixture.start(dir);
        client = server.client();
        agentData = dir.resolve(NODE);
        // A local registry over plain HTTP, and the agent's default registries.yaml (DATA/registries.yaml)
        // naming it as the mirror of a registry no DNS resolves, as an operator would for an edge site.
        registry = LocalRegistry.start(dir.resolve("registry"));
        Files.createDirectories(agentData);
        Files.writeString(agentData.resolve("registries.yaml"), """
                mirrors:
                  %s:
                    endpoint: ["http://%s"]
                """.formatted(MIRRORED, registry.host()));
        agent = AgentProcess.start("https://127.0.0.1:" + server.port(), Files.readString(server.dataDir().resolve("node-token")).strip(),
                NODE, agentData, "--runtime", "containerd");
        awaitReady();
        // No pause image is imported: the agent provides its own. busybox is loaded offline, as an
        // operator of an air-gapped node would.
        assertThat(agent.log()).contains("imported the agent's own sandbox image outpost.invalid/pause:1");
        importImage(images.busyboxArchive);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (client != null && agent != null && agent.process().isAlive()) {
                client.apps().deployments().inNamespace("default").delete();
                client.pods().inNamespace("default").withGracePeriod(0).delete();
                await().atMost(SLOW).until(() -> client.pods().inNamespace("default").list().getItems().isEmpty());
            }
            // Whatever a failed test left: removed through CRI before the agent stops its containerd.
            Path socket = agentData == null ? null : agentData.resolve("containerd/containerd.sock");
            if (socket != null && Files.exists(socket)) {
                try (ContainerdRuntime cri = ContainerdRuntime.connect("unix://" + socket, "127.0.0.1")) {
                    for (SandboxStatus s : cri.listPodSandboxes()) {
                        try {
                            cri.stopPodSandbox(s.id());
                            cri.removePodSandbox(s.id());
                        } catch (RuntimeException e) {
                            // the agent may be removing it at the same moment (CNI: "no such device")
                            System.out.printf("cleanup of sandbox %s: %s%n", s.id(), e);
                        }
                    }
                }
            }
        } finally {
            if (agent != null) {
                agent.close(); // SIGTERM: the agent stops its containerd; then any shim left is killed
            }
            if (server != null) {
                server.close();
            }
            if (registry != null) {
                registry.close();
            }
            new ProcessBuilder("ip", "link", "del", BRIDGE).start().waitFor();
            unmountUnder(dir);
        }
    }

    /**
     * Unmounts what is still mounted under {@code root}: the offline reboot SIGKILLs containerd's
     * shims, which would have unmounted their containers' root filesystems, /dev/shm and network
     * namespaces (a real reboot drops every mount). Deepest first, lazily; else the temp dir
     * cannot be deleted.
     */
    private static void unmountUnder(Path root) throws IOException, InterruptedException {
        if (root == null) {
            return;
        }
        String prefix = root.toRealPath().toString() + "/";
        List<String> points = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(line -> line.split(" ")[4].replace("\\040", " "))
                .filter(point -> point.startsWith(prefix))
                .sorted(java.util.Comparator.reverseOrder()).toList();
        for (String point : points) {
            new ProcessBuilder("umount", "-l", point).redirectErrorStream(true).start().waitFor();
        }
        if (!points.isEmpty()) {
            System.out.printf("unmounted %d mounts left under %s%n", points.size(), root);
        }
    }

    @Test
    @Order(1)
    void aDeploymentOfBusyboxHttpdRunsWithCniIpsAndTurnsReadyThroughItsHttpProbe() throws Exception {
        Instant created = Instant.now();
        kubectl.ok("1.33", "apply", "-f", kubectl.file("web.yaml", deployment("web", 3, BusyboxImages.BUSYBOX, "IfNotPresent")).toString());
        kubectl.ok("1.33", "rollout", "status", "deployment/web", "--timeout=180s");
        Duration allReady = Duration.between(created, Instant.now());

        List<Pod> pods = client.pods().inNamespace("default").withLabel("app", "web").list().getItems();
        assertThat(pods).hasSize(3).allSatisfy(p -> {
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            assertThat(p.getStatus().getPodIP()).as("a CNI address of the managed bridge").startsWith("10.42.0.");
            assertThat(p.getStatus().getPodIPs()).extracting(ip -> ip.getIp()).containsExactly(p.getStatus().getPodIP());
            assertThat(p.getStatus().getContainerStatuses().getFirst().getContainerID()).startsWith("containerd://");
            assertThat(p.getStatus().getContainerStatuses().getFirst().getReady()).isTrue();
        });
        assertThat(pods.stream().map(p -> p.getStatus().getPodIP()).distinct()).hasSize(3);
        assertPodIpsInTheNodesPodCidr(pods);
        for (Pod p : pods) {
            // reachable from the host, as the readiness probe found it
            assertThat(httpGet("http://" + p.getStatus().getPodIP() + ":8080/")).contains("hello from busybox");
        }
        // kubelet's events for a container whose image is present (pkg/kubelet/images, kuberuntime_container.go)
        Pod first = pods.getFirst();
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(eventsOf(first))
                .contains("Normal Pulled: Container image \"" + BusyboxImages.BUSYBOX + "\" already present on machine",
                        "Normal Created: Created container: main", "Normal Started: Started container main"));
        String wide = kubectl.ok("1.33", "get", "pods", "-l", "app=web", "-o", "wide").out();
        assertThat(wide.lines().skip(1)).hasSize(3).allSatisfy(line -> assertThat(line).contains("1/1", "Running", NODE, "10.42.0."));

        List<Long> latencies = new ArrayList<>();
        for (Pod p : pods) {
            Instant podCreated = Instant.parse(p.getMetadata().getCreationTimestamp());
            Instant started = Instant.parse(p.getStatus().getContainerStatuses().getFirst().getState().getRunning().getStartedAt());
            latencies.add(Duration.between(podCreated, started).toMillis());
        }
        Collections.sort(latencies);
        System.out.printf("containerd pod start latency (create to container started, image present, 1 s resolution): %s ms;"
                + " apply to rollout complete (Ready through the HTTP probe): %d ms%n", latencies, allReady.toMillis());
        System.out.printf("memory with 3 containerd pods: agent VmRSS %d kB, its containerd VmRSS %d kB%n",
                agent.residentKb(), containerdRssKb());
    }

    @Test
    @Order(2)
    void anImageThatDoesNotExistIsErrImagePullThenImagePullBackOffWithAnEventAndTheOtherPodsRun() throws Exception {
        // connection refused at once: no DNS, no registry; containerd's pull fails as for a missing image
        String missing = "127.0.0.1:1/outpost/missing:1";
        kubectl.ok("1.33", "apply", "-f", kubectl.file("ghost.yaml", deployment("ghost", 1, missing, "IfNotPresent")).toString());

        await().atMost(SLOW).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(kubectl.ok("1.33", "get", "pods", "-l", "app=ghost").out()).contains("ImagePullBackOff"));
        Pod ghost = client.pods().inNamespace("default").withLabel("app", "ghost").list().getItems().getFirst();
        assertThat(ghost.getStatus().getPhase()).isEqualTo("Pending");
        // the agent sends Events after the status; the server records them as core/v1 Events
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<Event> events = client.v1().events().inNamespace("default").list().getItems().stream()
                    .filter(e -> ghost.getMetadata().getName().equals(e.getInvolvedObject().getName())).toList();
            assertThat(events).extracting(Event::getReason).contains("Failed", "BackOff");
            assertThat(events).extracting(Event::getMessage).anyMatch(n -> n.startsWith("Failed to pull image \"" + missing + "\""))
                    .contains("Error: ErrImagePull", "Back-off pulling image \"" + missing + "\"");
        });

        List<Pod> web = client.pods().inNamespace("default").withLabel("app", "web").list().getItems();
        assertThat(web).hasSize(3).allSatisfy(p -> assertThat(p.getStatus().getConditions())
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
        kubectl.ok("1.33", "delete", "deployment", "ghost", "--wait=false");
    }

    @Test
    @Order(3)
    void anImportedImageRunsWithPullPolicyNever() throws Exception {
        Path archive = images.archiveAs(dir.resolve("images/imported.tar"), "local/imported:1");
        Cli imported = importImage(archive);
        assertThat(imported.out()).contains("local/imported:1");

        kubectl.ok("1.33", "apply", "-f", kubectl.file("offline.yaml",
                deployment("offline", 1, "docker.io/local/imported:1", "Never")).toString());
        kubectl.ok("1.33", "rollout", "status", "deployment/offline", "--timeout=180s");
        Pod pod = client.pods().inNamespace("default").withLabel("app", "offline").list().getItems().getFirst();
        assertThat(pod.getStatus().getContainerStatuses().getFirst().getImage()).contains("local/imported:1");
    }

    @Test
    @Order(4)
    void theAgentRestartedAdoptsTheRunningContainers() throws Exception {
        Map<String, String> before = containerIds();
        assertThat(before).hasSize(4);

        agent.process().toHandle().destroy();
        assertThat(agent.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the agent stops on SIGTERM").isTrue();
        agent = AgentProcess.start("https://127.0.0.1:" + server.port(), null, NODE, agentData, "--runtime", "containerd");
        awaitReady();
        assertThat(agent.log()).contains("container runtime containerd");

        // a few resyncs later, nothing was recreated
        Thread.sleep(5_000);
        assertThat(containerIds()).isEqualTo(before);
        for (Pod p : client.pods().inNamespace("default").withLabelIn("app", "web", "offline").list().getItems()) {
            ContainerStatus cs = p.getStatus().getContainerStatuses().getFirst();
            assertThat(cs.getRestartCount()).as(p.getMetadata().getName()).isZero();
            assertThat(cs.getState().getRunning()).isNotNull();
        }
        System.out.printf("after the agent's restart: agent VmRSS %d kB, its containerd VmRSS %d kB%n",
                agent.residentKb(), containerdRssKb());
    }

    /**
     * Pod start latency as issue 7 asks for it: create (the pod's ADDED event, as the ReplicaSet
     * controller makes it) to Running (its first status with phase Running), image present, over
     * {@code -Doutpost.it.containerdPods=N} pods at once (default 30 to keep CI short; the issue's
     * figure is for 100).
     */
    /**
     * A rolling update between two images served by a local registry: v1 pulled from {@code
     * 127.0.0.1:PORT} over plain HTTP, v2 by a name only the agent's registries.yaml mirror
     * resolves. {@code kubectl rollout status} completes and the new pods serve v2's content.
     */
    @Test
    @Order(5)
    void aRollingUpdateToANewImageFromALocalRegistryCompletesAndServesTheNewContent() throws Exception {
        images.variant("site-v1", Map.of("www/index.html", "site v1\n"));
        images.variant("site-v2", Map.of("www/index.html", "site v2\n"));
        String v1 = registry.push(images.layout, "site-v1", "outpost/site");
        registry.push(images.layout, "site-v2", "outpost/site");
        String v2 = MIRRORED + "/outpost/site:site-v2";

        kubectl.ok("1.33", "apply", "-f", kubectl.file("site.yaml", site(v1)).toString());
        kubectl.ok("1.33", "rollout", "status", "deployment/site", "--timeout=180s");
        List<Pod> v1Pods = sitePods();
        assertThat(v1Pods).hasSize(2).allSatisfy(p -> assertThat(serves(p)).isEqualTo("site v1\n"));
        // a pull, as kubelet reports it: "Pulling", then "Pulled" with the time and the image's size (on
        // the pod whose worker pulled first; the other finds the image present or joins the same pull)
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(v1Pods.stream()
                        .flatMap(p -> eventsOf(p).stream()).toList())
                .contains("Normal Pulling: Pulling image \"" + v1 + "\"")
                .anyMatch(e -> e.matches("Normal Pulled: Successfully pulled image \"" + java.util.regex.Pattern.quote(v1)
                        + "\" in [0-9.]+m?s \\([0-9.]+m?s including waiting\\)\\. Image size: [1-9][0-9]* bytes\\.")));

        kubectl.ok("1.33", "set", "image", "deployment/site", "main=" + v2);
        kubectl.ok("1.33", "rollout", "status", "deployment/site", "--timeout=180s");
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(sitePods()).as("only v2 pods left").hasSize(2).allSatisfy(p ->
                        assertThat(p.getSpec().getContainers().getFirst().getImage()).isEqualTo(v2)));
        // the replaced pods were stopped as kubelet stops a container
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(eventsOf(v1Pods.getFirst())).contains("Normal Killing: Stopping container main"));
        for (Pod p : sitePods()) {
            assertThat(serves(p)).as(p.getMetadata().getName()).isEqualTo("site v2\n");
            assertThat(p.getStatus().getContainerStatuses().getFirst().getImage()).isEqualTo(v2);
        }
    }

    /**
     * A container that allocates past its memory limit is killed by the kernel's OOM killer in its
     * cgroup, reported by containerd (CRI reason {@code OOMKilled}, exit 137), and restarted by
     * the pod's restartPolicy, as kubelet reports it in {@code lastState.terminated}.
     */
    @Test
    @Order(6)
    void aContainerPastItsMemoryLimitIsOomKilledAndRestarted() throws Exception {
        kubectl.ok("1.33", "apply", "-f", kubectl.file("hog.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: hog}
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 0
                  containers:
                  - name: main
                    image: %s
                    imagePullPolicy: IfNotPresent
                    # a string that doubles until the 16 MiB limit is hit: the OOM killer ends it
                    command: ["sh", "-c", "echo allocating; x=x; while :; do x=$x$x; done"]
                    resources: {limits: {memory: 16Mi}}
                """.formatted(NODE, BusyboxImages.BUSYBOX)).toString());
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<ContainerStatus> statuses = client.pods().inNamespace("default").withName("hog").get().getStatus().getContainerStatuses();
            assertThat(statuses).isNotEmpty();
            ContainerStatus cs = statuses.getFirst();
            assertThat(cs.getLastState().getTerminated()).as("lastState of %s", cs).isNotNull();
            assertThat(cs.getLastState().getTerminated().getReason()).isEqualTo("OOMKilled");
            assertThat(cs.getLastState().getTerminated().getExitCode()).isEqualTo(137);
            assertThat(cs.getRestartCount()).isPositive();
        });
        Pod hog = client.pods().inNamespace("default").withName("hog").get();
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(eventsOf(hog))
                .contains("Warning BackOff: Back-off restarting failed container main in pod hog_default(" + hog.getMetadata().getUid() + ")"));
        String described = kubectl.ok("1.33", "get", "pod", "hog", "-o",
                "jsonpath={.status.containerStatuses[0].lastState.terminated.reason}").out();
        assertThat(described).isEqualTo("OOMKilled");
        client.pods().inNamespace("default").withName("hog").withGracePeriod(0).delete();
        await().atMost(SLOW).until(() -> client.pods().inNamespace("default").withName("hog").get() == null);
    }

    /** The pod's events as "TYPE REASON: MESSAGE", oldest first. */
    private static List<String> eventsOf(Pod pod) {
        return client.v1().events().inNamespace(pod.getMetadata().getNamespace()).list().getItems().stream()
                .filter(e -> pod.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
                .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage()).toList();
    }

    private static List<Pod> sitePods() {
        return client.pods().inNamespace("default").withLabel("app", "site").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private static String serves(Pod p) throws Exception {
        return httpGet("http://" + p.getStatus().getPodIP() + ":8080/");
    }

    private static String site(String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: site}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: site}}
                  strategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}
                  template:
                    metadata: {labels: {app: site}}
                    spec:
                      nodeSelector: {kubernetes.io/hostname: %s}
                      terminationGracePeriodSeconds: 2
                      containers:
                      - name: main
                        image: %s
                        command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
                        ports: [{containerPort: 8080}]
                        readinessProbe:
                          httpGet: {path: /, port: 8080}
                          periodSeconds: 1
                """.formatted(NODE, image);
    }

    @Test
    @Order(7)
    void podStartLatencyOverABurstOfPods() throws Exception {
        int n = Integer.getInteger("outpost.it.containerdPods", 30);
        Map<String, Instant> added = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Instant> scheduled = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, Instant> running = new java.util.concurrent.ConcurrentHashMap<>();
        Instant applied;
        try (var watch = client.pods().inNamespace("default").withLabel("app", "burst").watch(new io.fabric8.kubernetes.client.Watcher<Pod>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                Instant now = Instant.now();
                added.putIfAbsent(pod.getMetadata().getName(), now);
                if (pod.getSpec().getNodeName() != null) {
                    scheduled.putIfAbsent(pod.getMetadata().getName(), now);
                }
                if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())) {
                    running.putIfAbsent(pod.getMetadata().getName(), now);
                }
            }

            @Override
            public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
            }
        })) {
            applied = Instant.now();
            kubectl.ok("1.33", "apply", "-f", kubectl.file("burst.yaml", """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: burst}
                    spec:
                      replicas: %d
                      selector: {matchLabels: {app: burst}}
                      template:
                        metadata: {labels: {app: burst}}
                        spec:
                          nodeSelector: {kubernetes.io/hostname: %s}
                          terminationGracePeriodSeconds: 1
                          containers:
                          - name: main
                            image: %s
                            imagePullPolicy: IfNotPresent
                            command: ["sleep", "1000000"]
                    """.formatted(n, NODE, BusyboxImages.BUSYBOX)).toString());
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(running).as("pods Running of %d; agent log tail:%n%s", n, tail(agent.log())).hasSize(n));
        }
        Instant allRunning = Instant.now();
        List<Long> latencies = running.entrySet().stream()
                .map(e -> Duration.between(added.get(e.getKey()), e.getValue()).toMillis()).sorted().toList();
        long p50 = latencies.get((latencies.size() - 1) / 2);
        long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
        System.out.printf("containerd pod start latency over %d pods (create to Running, image present): p50 %d ms, p99 %d ms,"
                + " max %d ms; all Running %d ms after apply%n", n, p50, p99, latencies.getLast(),
                Duration.between(applied, allRunning).toMillis());
        // Each leg: the server's (created to bound, as the watch saw it), the tunnel down (bound to
        // the agent's worker getting the pod), the agent's (from its start-up log lines: received to
        // its sandbox, and to Running handed upstream) and the way up (reported to the watch seeing
        // Running). The agent's log and the watch share this host's clock.
        List<AgentLeg> legs = agentLegs(agent.log());
        System.out.printf("legs p50/p99 (ms): created to scheduled %s; scheduled to agent %s; agent: to sandbox %s, to Running"
                + " reported %s; reported to Running seen %s%n",
                percentiles(running.keySet().stream().map(k -> Duration.between(added.get(k), scheduled.get(k)).toMillis()).toList()),
                percentiles(legs.stream().filter(l -> scheduled.containsKey(l.pod()))
                        .map(l -> Duration.between(scheduled.get(l.pod()), l.received()).toMillis()).toList()),
                percentiles(legs.stream().map(AgentLeg::sandboxMs).toList()),
                percentiles(legs.stream().map(AgentLeg::runningMs).toList()),
                percentiles(legs.stream().filter(l -> running.containsKey(l.pod()))
                        .map(l -> Duration.between(l.reported(), running.get(l.pod())).toMillis()).toList()));
        System.out.printf("memory with %d containerd pods: agent VmRSS %d kB, its containerd VmRSS %d kB%n",
                n + 6, agent.residentKb(), containerdRssKb());
        assertThat(latencies).hasSize(n);
        assertPodIpsInTheNodesPodCidr(client.pods().inNamespace("default").withLabel("app", "burst").list().getItems());

        kubectl.ok("1.33", "delete", "deployment", "burst");
        await().atMost(Duration.ofMinutes(5)).until(() ->
                client.pods().inNamespace("default").withLabel("app", "burst").list().getItems().isEmpty());
    }

    /**
     * An offline reboot (issue 7, "as for processes"): the server goes away, then the node loses
     * power: the agent, its containerd, the shims and every container die by SIGKILL, leaving
     * containerd's records on disk as a reboot would. The agent started again with no server
     * reachable runs every pod of its local store again (new sandboxes, containers restarted);
     * once the server is back the node converges: the same pods, Running and Ready.
     */
    @Test
    @Order(8)
    void afterAnOfflineRebootEveryPodOfTheLocalStoreRunsAgainAndReconnectConverges() throws Exception {
        List<Pod> before = client.pods().inNamespace("default").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
        java.util.Set<String> uids = before.stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
        assertThat(uids).as("web, offline and site").hasSize(6);
        int port = server.port();
        server.close();
        server = null;
        agent.kill();
        agent.killPodProcesses(); // containerd and the shims name the data dir; the containers are their descendants
        AgentProcess dead = agent;
        await().atMost(Duration.ofSeconds(30)).until(() -> dead.podProcesses().stream().noneMatch(ProcessHandle::isAlive));

        long restartedAt = System.nanoTime();
        agent = AgentProcess.start("https://127.0.0.1:" + port, null, NODE, agentData, "--runtime", "containerd");
        await().atMost(SLOW).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            assertThat(agent.process().isAlive()).as("the agent runs; its log:%n%s", tail(agent.log())).isTrue();
            assertThat(runningPodUids()).as("pods with a running container; agent log:%n%s", tail(agent.log())).containsAll(uids);
        });
        System.out.printf("containerd offline reboot: %d pods running again %d ms after the agent process started (no server)%n",
                uids.size(), java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt));

        server = ServerFixture.start(dir, c -> c.withPort(port));
        client = server.client();
        awaitReady();
        for (String deployment : List.of("web", "offline", "site")) {
            kubectl.ok("1.33", "rollout", "status", "deployment/" + deployment, "--timeout=180s");
        }
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<Pod> after = client.pods().inNamespace("default").list().getItems();
            assertThat(after).extracting(p -> p.getMetadata().getUid()).as("the same pods, none recreated")
                    .containsExactlyInAnyOrderElementsOf(uids);
            assertThat(after).allSatisfy(p -> {
                assertThat(p.getStatus().getPhase()).isEqualTo("Running");
                assertThat(p.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
                assertThat(p.getStatus().getContainerStatuses().getFirst().getRestartCount()).as("restarted by the reboot").isPositive();
            });
        });
        for (Pod p : client.pods().inNamespace("default").withLabel("app", "web").list().getItems()) {
            assertThat(httpGet("http://" + p.getStatus().getPodIP() + ":8080/")).contains("hello from busybox");
        }
        // the dead sandboxes were stopped before new ones were made (kubelet's KillPod), so CNI gave
        // their addresses back: host-local IPAM holds none for them, and one for each live sandbox
        Path ipam = agentData.resolve("containerd/cni/ipam/outpost");
        try (var files = Files.list(ipam); ContainerdRuntime cri = ContainerdRuntime.connect("unix://"
                + agentData.resolve("containerd/containerd.sock"), "127.0.0.1")) {
            List<String> holders = files.filter(f -> f.getFileName().toString().matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))
                    .map(f -> {
                        try {
                            return Files.readString(f).lines().findFirst().orElse("");
                        } catch (IOException e) {
                            return "";
                        }
                    }).toList();
            List<SandboxStatus> ours = cri.listPodSandboxes().stream().filter(sb -> uids.contains(sb.config().uid())).toList();
            assertThat(ours.stream().filter(sb -> !sb.ready()).map(SandboxStatus::id)).as("dead sandboxes of the rebooted pods")
                    .hasSize(uids.size()).noneMatch(holders::contains);
            assertThat(ours.stream().filter(SandboxStatus::ready).map(SandboxStatus::id)).hasSize(uids.size()).allMatch(holders::contains);
        }
    }

    /** The uids of the pods with a running container, asked of the agent's containerd through CRI. */
    private static java.util.Set<String> runningPodUids() {
        try (ContainerdRuntime cri = ContainerdRuntime.connect("unix://" + agentData.resolve("containerd/containerd.sock"), "127.0.0.1")) {
            return cri.listContainers().stream().filter(io.outpost.agent.runtime.ContainerStatus::running)
                    .map(c -> c.config().labels().get("io.kubernetes.pod.uid")).collect(Collectors.toSet());
        }
    }

    /** The CNI bridge hands out addresses of the node's spec.podCIDR, allocated by the node IPAM controller. */
    private static void assertPodIpsInTheNodesPodCidr(List<Pod> pods) {
        String podCidr = client.nodes().withName(NODE).get().getSpec().getPodCIDR();
        assertThat(podCidr).as("the node's podCIDR, from --cluster-cidr 10.42.0.0/16").isNotNull().startsWith("10.42.");
        String[] parts = podCidr.split("/");
        int prefix = Integer.parseInt(parts[1]);
        long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        assertThat(pods).allSatisfy(p -> assertThat(ipv4(p.getStatus().getPodIP()) & mask)
                .as("pod %s IP %s in the node's podCIDR %s", p.getMetadata().getName(), p.getStatus().getPodIP(), podCidr)
                .isEqualTo(ipv4(parts[0])));
    }

    private static long ipv4(String dotted) {
        long v = 0;
        for (String octet : dotted.split("\\.")) {
            v = (v << 8) | Integer.parseInt(octet);
        }
        return v;
    }

    private static String percentiles(List<Long> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2) + "/" + sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    }

    /** One pod's start as the agent logged it: when it reported Running, after how long since it got the pod. */
    record AgentLeg(String pod, Instant reported, long sandboxMs, long runningMs) {
        Instant received() {
            return reported.minusMillis(runningMs);
        }
    }

    /** The agent's "HH:mm:ss.SSS INFO PodWorker - pod default/burst-x started: sandbox ready A ms and Running reported B ms" lines. */
    private static List<AgentLeg> agentLegs(String log) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(
                "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*pod default/(burst-\\S+) started: sandbox ready (\\d+) ms and Running reported (\\d+) ms");
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        return log.lines().map(p::matcher).filter(java.util.regex.Matcher::find).map(m -> new AgentLeg(m.group(2),
                java.time.LocalTime.parse(m.group(1)).atDate(today).toInstant(java.time.ZoneOffset.UTC),
                Long.parseLong(m.group(3)), Long.parseLong(m.group(4)))).toList();
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static Map<String, String> containerIds() {
        return client.pods().inNamespace("default").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && "Running".equals(p.getStatus().getPhase()))
                .collect(Collectors.toMap(p -> p.getMetadata().getName(),
                        p -> p.getStatus().getContainerStatuses().getFirst().getContainerID()));
    }

    private static Cli importImage(Path archive) {
        Cli run = Cli.run("images", "import", "--data-dir", agentData.toString(), archive.toString());
        assertThat(run.exitCode()).as("outpost images import %s: %s", archive, run.err()).isZero();
        return run;
    }

    private static void awaitReady() {
        // a Node registered a moment before its first status has none yet
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
            assertThat(agent.process().isAlive()).as("the agent is running; its log:%n%s", agent.log()).isTrue();
            Node n = client.nodes().withName(NODE).get();
            assertThat(n).as("node registered; agent log:%n%s", agent.log()).isNotNull();
            assertThat(n.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
                    .extracting(NodeCondition::getStatus).containsExactly("True");
            assertThat(agentData.resolve("containerd/containerd.sock")).exists();
        });
    }

    /** The resident memory of the containerd the agent manages (found by its config under the data dir), kB. */
    private static long containerdRssKb() throws IOException {
        String config = agentData.resolve("containerd/config.toml").toString();
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            boolean ours = p.info().command().map(c -> c.endsWith("/containerd")).orElse(false)
                    && p.info().arguments().map(a -> String.join(" ", a).contains(config)).orElse(false);
            if (ours) {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            }
        }
        return -1;
    }

    private static String httpGet(String url) throws Exception {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static String deployment(String name, int replicas, String image, String pullPolicy) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %1$s}
                spec:
                  replicas: %2$d
                  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata: {labels: {app: %1$s}}
                    spec:
                      nodeSelector: {kubernetes.io/hostname: %5$s}
                      terminationGracePeriodSeconds: 2
                      containers:
                      - name: main
                        image: %3$s
                        imagePullPolicy: %4$s
                        command: ["sh", "-c", "echo hello from busybox > /tmp/index.html && exec httpd -f -p 8080 -h /tmp"]
                        ports: [{containerPort: 8080}]
                        readinessProbe:
                          httpGet: {path: /, port: 8080}
                          periodSeconds: 1
                """.formatted(name, replicas, image, pullPolicy, NODE);
    }
}
