package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.testing.Prerequisites;

/**
 * The edge end to end: the real server in this JVM and real {@code outpost agent} processes, each
 * with its own data dir, running pods as host processes. Each pod's command touches a beat file
 * (named after the pod) a few times a second, so the test sees from outside whether it runs.
 *
 * <p>Covers the scenarios: join with the server's token, a bad token and a tampered CA
 * hash; a Deployment's pods on two agents, seen by real kubectl; a partition (the link cut by a
 * proxy while the server runs) with an offline reboot (agent and pods killed, the agent started
 * again with no link) and the reconnect (nothing recreated, a deletion made meanwhile applied);
 * the server restarted while agents run; and that none of these paths loaded, in an agent, the
 * classes it keeps out for its memory (java.net.http, Jackson databind, CLDR's locale tables).
 * Prints the offline-reboot time and the agent's memory.
 */
@Tag("system")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentSystemIT {

    private static final Duration SLOW = Duration.ofMinutes(3);

    @TempDir
    static Path dir;

    static int port;
    static ServerFixture server;
    static Kubectl kubectl;
    static KubernetesClient client;
    static Path beats;
    static AgentProcess edgeA;
    static AgentProcess edgeB;

    @BeforeAll
    static void start() throws Exception {
        Prerequisites.requireBinary("sh", "dash");
        assertThat(AgentProcess.LAUNCHER).as("the launcher, found from the module folder").isExecutable();
        kubectl = Kubectl.find(dir, dir.resolve("data/admin.kubeconfig"));
        server = ServerFixture.start(dir);
        port = server.port(); // kept across the restart in the last test
        client = server.client();
        beats = Files.createDirectories(dir.resolve("beats"));
        edgeA = AgentProcess.start(url(port), token(), "edge-a", dir.resolve("edge-a"), "--runtime", "process", "--labels", "fleet=ab");
        edgeB = AgentProcess.start(url(port), token(), "edge-b", dir.resolve("edge-b"), "--runtime", "process", "--labels", "fleet=ab");
        awaitReady("edge-a", edgeA);
        awaitReady("edge-b", edgeB);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AgentProcess agent : new AgentProcess[] {edgeA, edgeB}) {
            if (agent != null) {
                agent.close();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void aDeploymentsPodsRunAsProcessesOnTwoAgentsAndKubectlSeesThem() throws Exception {
        kubectl.ok("1.33", "apply", "-f", kubectl.file("spread.yaml", deployment("spread", 2, Map.of(),
                """
                      affinity:
                        podAntiAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                          - topologyKey: kubernetes.io/hostname
                            labelSelector: {matchLabels: {app: spread}}
                """)).toString());
        for (String version : Kubectl.VERSIONS) {
            kubectl.ok(version, "rollout", "status", "deployment/spread", "--timeout=180s");
        }
        List<Pod> pods = client.pods().inNamespace("default").withLabel("app", "spread").list().getItems();
        assertThat(pods).extracting(p -> p.getSpec().getNodeName()).containsExactlyInAnyOrder("edge-a", "edge-b");
        for (Pod pod : pods) {
            assertBeating(pod.getMetadata().getName());
        }
        for (String version : Kubectl.VERSIONS) {
            String wide = kubectl.ok(version, "get", "pods", "-l", "app=spread", "-o", "wide").out();
            assertThat(wide.lines().skip(1)).hasSize(2).allSatisfy(line -> assertThat(line)
                    .contains("1/1", "Running").containsPattern("edge-[ab]").contains("127.0.0.1"));
            assertThat(kubectl.ok(version, "get", "nodes").out()).containsPattern("edge-a\\s+Ready")
                    .containsPattern("edge-b\\s+Ready");
        }
        // The agent's own events, through the tunnel: kubectl decodes them (an eventTime in Go's
        // MicroTime form; with nanoseconds describe showed "Events: <none>").
        String described = pods.getFirst().getMetadata().getName();
        for (String version : Kubectl.VERSIONS) {
            await().atMost(SLOW).until(() -> kubectl.ok(version, "describe", "pod", described).out()
                    .matches("(?s).*Normal\\s+Started\\s+\\S+\\s+outpost.io/agent\\s+Started container.*"));
        }
        System.out.printf("agent memory with 1 process pod: edge-a VmRSS %d kB, edge-b %d kB%n",
                edgeA.residentKb(), edgeB.residentKb());
    }

    @Test
    @Order(2)
    void aWrongTokenSecretAndATamperedCaHashStopTheJoinWithAClearError() throws Exception {
        String token = token();
        String wrongSecret = token.substring(0, token.length() - 4) + (token.endsWith("aaaa") ? "bbbb" : "aaaa");
        AgentProcess refused = AgentProcess.start(url(port), wrongSecret, "edge-x", dir.resolve("edge-x"), "--runtime", "process");
        assertThat(refused.process().waitFor(SLOW.toSeconds(), TimeUnit.SECONDS)).as("the agent gives up").isTrue();
        assertThat(refused.process().exitValue()).as(refused.log()).isNotZero();
        assertThat(refused.log()).contains("--token");

        String hash = token.substring(3, token.indexOf("::"));
        String otherHash = (hash.charAt(0) == '0' ? "1" : "0") + hash.substring(1);
        AgentProcess tampered = AgentProcess.start(url(port), token.replace(hash, otherHash), "edge-y", dir.resolve("edge-y"), "--runtime", "process");
        assertThat(tampered.process().waitFor(SLOW.toSeconds(), TimeUnit.SECONDS)).as("the agent gives up").isTrue();
        assertThat(tampered.process().exitValue()).as(tampered.log()).isNotZero();
        assertThat(tampered.log()).contains("--token pins " + otherHash).contains(hash);
        assertThat(client.nodes().withName("edge-x").get()).isNull();
        assertThat(client.nodes().withName("edge-y").get()).isNull();
    }

    @Test
    @Order(3)
    void cutOffAndRebootedTheNodeRunsItsPodsAndOnReconnectAppliesTheCloudsDeletionWithoutRecreatingTheRest()
            throws Exception {
        try (LinkProxy link = LinkProxy.to(port)) {
            AgentProcess edgeC = AgentProcess.start(url(link.port()), token(), "edge-c", dir.resolve("edge-c"), "--runtime", "process");
            try {
                awaitReady("edge-c", edgeC);
                kubectl.ok("1.33", "apply", "-f", kubectl.file("autonomy.yaml",
                        deployment("autonomy", 2, Map.of("kubernetes.io/hostname", "edge-c"), "")).toString());
                kubectl.ok("1.33", "rollout", "status", "deployment/autonomy", "--timeout=180s");
                List<Pod> before = client.pods().inNamespace("default").withLabel("app", "autonomy").list().getItems();
                assertThat(before).hasSize(2);
                Pod deleted = before.get(0);
                Pod kept = before.get(1);

                link.cut();
                // The cloud deletes one pod while the node cannot hear it: it stays Terminating.
                kubectl.ok("1.33", "delete", "pod", deleted.getMetadata().getName(), "--wait=false");
                assertBeating(deleted.getMetadata().getName());
                assertBeating(kept.getMetadata().getName());

                // Power cut while offline: the agent and every pod process die; the agent comes back with no link.
                edgeC.kill();
                edgeC.killPodProcesses();
                long restartedAt = System.nanoTime();
                FileTime keptBeat = Files.getLastModifiedTime(beats.resolve(kept.getMetadata().getName()));
                edgeC = AgentProcess.start(url(link.port()), null, "edge-c", dir.resolve("edge-c"), "--runtime", "process");
                AgentProcess rebooted = edgeC;
                await().atMost(SLOW).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(
                        Files.getLastModifiedTime(beats.resolve(kept.getMetadata().getName()))).as(rebooted.log())
                        .isGreaterThan(keptBeat));
                System.out.printf("offline reboot: pods running again %d ms after the agent process started%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt));
                assertBeating(deleted.getMetadata().getName());

                link.restore();
                await().atMost(SLOW).untilAsserted(() -> assertThat(client.pods().inNamespace("default")
                        .withName(deleted.getMetadata().getName()).get()).as(rebooted.log()).isNull());
                kubectl.ok("1.33", "rollout", "status", "deployment/autonomy", "--timeout=180s");
                Pod keptNow = client.pods().inNamespace("default").withName(kept.getMetadata().getName()).get();
                assertThat(keptNow.getMetadata().getUid()).as("the pod that ran is the same pod").isEqualTo(kept.getMetadata().getUid());
                assertThat(keptNow.getStatus().getPhase()).isEqualTo("Running");
                assertBeating(kept.getMetadata().getName());
                FileTime stopped = Files.getLastModifiedTime(beats.resolve(deleted.getMetadata().getName()));
                Thread.sleep(1_500);
                assertThat(Files.getLastModifiedTime(beats.resolve(deleted.getMetadata().getName())))
                        .as("the deleted pod's process is stopped").isEqualTo(stopped);
            } finally {
                edgeC.close();
                client.nodes().withName("edge-c").delete(); // decommissioned, as an operator would
            }
        }
    }

    @Test
    @Order(4)
    void theServerRestartedWhileAgentsRunComesBackToTheSameStateAndKeepsScheduling() throws Exception {
        kubectl.ok("1.33", "apply", "-f", kubectl.file("load.yaml", deployment("load", 4, Map.of("fleet", "ab"), "")).toString());
        kubectl.ok("1.33", "rollout", "status", "deployment/load", "--timeout=180s");
        Map<String, String> uids = uidsByName("load");

        server.close();
        server = ServerFixture.start(dir, c -> c.withPort(port));
        client = server.client();
        awaitReady("edge-a", edgeA);
        awaitReady("edge-b", edgeB);
        kubectl.ok("1.33", "scale", "deployment/load", "--replicas=6");
        kubectl.ok("1.33", "rollout", "status", "deployment/load", "--timeout=180s");
        Map<String, String> after = uidsByName("load");
        assertThat(after).hasSize(6).containsAllEntriesOf(uids);
        for (String name : after.keySet()) {
            assertBeating(name);
        }
        System.out.printf("agent memory with %d process pods each: edge-a VmRSS %d kB, edge-b %d kB%n",
                after.size() / 2 + 1, edgeA.residentKb(), edgeB.residentKb());
    }

    @Test
    @Order(5)
    void noAgentLoadedJavaNetHttpDatabindOrCldrOnAJoinARefusedJoinARebootAReconnectOrAServerRestart() throws Exception {
        // Every agent process above logged the classes it loaded (AgentProcess): edge-a and
        // edge-b joined and reconnected after the server's restart; edge-x and edge-y were
        // refused; edge-c joined, lost its link, was killed and started again without a token,
        // and reconnected. java.net.http costs an agent about 5 MB, Jackson databind about 14 MB
        // and CLDR's locale tables 1.7 MB (closing notes of issue 6; AgentMain.leaveOutLocaleTables);
        // a class once loaded stays.
        Map<Path, List<String>> loaded = AgentProcess.loadedClasses(dir);
        assertThat(loaded).as("a class log per agent process").hasSizeGreaterThanOrEqualTo(6);
        loaded.forEach((log, classes) -> assertThat(classes).as(log.toString())
                .isNotEmpty()
                .noneMatch(c -> c.startsWith("java.net.http.") || c.startsWith("jdk.internal.net.http."))
                .noneMatch(c -> c.startsWith("tools.jackson.databind."))
                .doesNotContain("sun.util.cldr.CLDRLocaleProviderAdapter"));
        List<String> all = loaded.values().stream().flatMap(List::stream).toList();
        assertThat(all).as("the logs cover the tunnel and the join's HTTPS")
                .contains("org.java_websocket.client.WebSocketClient", "io.outpost.agent.bootstrap.HttpsCalls",
                        "sun.net.www.protocol.https.HttpsURLConnectionImpl", "io.outpost.agent.bootstrap.CsrClient",
                        "io.outpost.agent.json.AgentJson");
    }

    private static Map<String, String> uidsByName(String app) {
        return client.pods().inNamespace("default").withLabel("app", app).list().getItems().stream()
                .collect(java.util.stream.Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
    }

    /** A Deployment whose pods touch {@code beats/<pod name>} every 0.2 s. */
    private static String deployment(String name, int replicas, Map<String, String> nodeSelector, String extraSpec) {
        StringBuilder selector = new StringBuilder();
        nodeSelector.forEach((k, v) -> selector.append("        ").append(k).append(": ").append(v).append('\n'));
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
                      terminationGracePeriodSeconds: 2
                %5$s      nodeSelector:
                %4$s        outpost-test: "true"
                      containers:
                      - name: main
                        image: busybox
                        command: ["sh", "-c", "while true; do : > \\"$BEATS/$POD\\"; sleep 0.2; done"]
                        env:
                        - {name: BEATS, value: "%3$s"}
                        - name: POD
                          valueFrom: {fieldRef: {fieldPath: metadata.name}}
                """.formatted(name, replicas, beats, selector, extraSpec)
                .replace("        outpost-test: \"true\"\n", "");
    }

    /** The pod's process is running: its beat file is touched again within a few seconds. */
    private static void assertBeating(String pod) throws IOException {
        Path beat = beats.resolve(pod);
        await().atMost(SLOW).until(() -> Files.exists(beat));
        FileTime first = Files.getLastModifiedTime(beat);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.getLastModifiedTime(beat).compareTo(first) > 0);
    }

    private static void awaitReady(String node, AgentProcess agent) {
        await().atMost(SLOW).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(agent.process().isAlive()).as("agent %s is running; its log:%n%s", node, agent.log()).isTrue();
            Node n = client.nodes().withName(node).get();
            assertThat(n).as("node %s registered; agent log:%n%s", node, agent.log()).isNotNull();
            // a Node registered a moment before its first status has none yet
            assertThat(n.getStatus()).as("node %s has a status", node).isNotNull();
            assertThat(n.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
                    .extracting(NodeCondition::getStatus).containsExactly("True");
        });
    }

    private static String token() throws IOException {
        return Files.readString(server.dataDir().resolve("node-token")).strip();
    }

    private static String url(int port) {
        return "https://127.0.0.1:" + port;
    }
}
