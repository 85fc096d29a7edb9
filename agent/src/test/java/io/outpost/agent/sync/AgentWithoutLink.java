package io.outpost.agent.sync;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.outpost.agent.json.AgentJson;
import io.outpost.agent.node.LinkQuality;
import io.outpost.agent.node.NodeStatusReporter;
import io.outpost.agent.node.NodeStatusReporterConfig;
import io.outpost.agent.pods.PodManager;
import io.outpost.agent.pods.PodManagerConfig;
import io.outpost.agent.runtime.ContainerRuntime;
import io.outpost.agent.runtime.Runtimes;
import io.outpost.tunnel.Frame;
import io.outpost.tunnel.ObjectKind;
import io.outpost.tunnel.ObjectRef;

/**
 * An agent on the process runtime, everything but its network: the local store, the desired state
 * fed with changes as the tunnel brings them (a Node, a ConfigMap, a Secret, two pods using them),
 * the pod workers running the pods' processes, the node-status reporter, status and event reports
 * written as they go to the server; then an agent restart on the same data dir that adopts the
 * pods, a status-only change (a touch), and the pods' deletion. Run in a JVM of its own by
 * {@code NoDatabindInTheAgentTest}, which reads the classes it loaded.
 *
 * <p>Arguments: the data dir; {@code --control} to end with one encoding by the API's databind
 * Codec, so the test can show it sees databind when it is loaded. Exit code 0 and {@code OK} on
 * success; 2 naming the step that did not happen in time.
 */
public final class AgentWithoutLink {

    private static final Duration STEP = Duration.ofSeconds(60);
    private static final String NODE = "edge-1";

    private AgentWithoutLink() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        boolean control = args.length > 1 && args[1].equals("--control");
        Clock clock = Clock.systemUTC();
        ContainerRuntime runtime = Runtimes.create("process", dir, clock, "127.0.0.1");
        try {
            run(dir, clock, runtime);
            if (control) {
                System.out.println(new String(new io.outpost.api.Codec().toJson(new PodStatus()), StandardCharsets.UTF_8));
            }
            System.out.println("OK");
        } finally {
            for (var c : runtime.listContainers()) {
                runtime.stopContainer(c.id(), Duration.ZERO);
                runtime.removeContainer(c.id());
            }
            runtime.close();
        }
        System.exit(0);
    }

    private static void run(Path dir, Clock clock, ContainerRuntime runtime) throws Exception {
        long revision = 100;
        try (Agent agent = new Agent(dir, clock, runtime)) {
            agent.view.applyAll(List.of(
                    new Frame.Change(++revision, ObjectRef.node(NODE), node()),
                    new Frame.Change(++revision, new ObjectRef(ObjectKind.CONFIG_MAP, "shop", "web-config"), configMap()),
                    new Frame.Change(++revision, new ObjectRef(ObjectKind.SECRET, "shop", "api"), secret()),
                    new Frame.Change(++revision, pod("web-1"), pod("web-1", "11111111-0000-0000-0000-000000000001")),
                    new Frame.Change(++revision, pod("web-2"), pod("web-2", "11111111-0000-0000-0000-000000000002"))));
            await("both pods Running", () -> running(agent.store, "web-1") && running(agent.store, "web-2"));
            await("a node status and an event reported", () -> reported(agent.store, Frame.NodeStatus.class)
                    && reported(agent.store, Frame.EventReport.class));
            agent.reports.nodeMetadata(Map.of("site", "store-12"), Map.of("link.outpost.io/rtt-ms", "40"));
            agent.reports.flush();
        }
        // An agent restart on the same data dir: the pods come back from the local store and are adopted.
        try (Agent agent = new Agent(dir, clock, runtime)) {
            agent.view.touch(new Frame.Touch(++revision, pod("web-1")));
            agent.view.saveTouches();
            await("the pods Running after the restart", () -> running(agent.store, "web-1") && running(agent.store, "web-2"));
            // A graceful deletion, as the server sends it: the pods are stopped and reported terminated, then deleted.
            agent.view.applyAll(List.of(
                    new Frame.Change(++revision, pod("web-1"), deleting(pod("web-1", "11111111-0000-0000-0000-000000000001"))),
                    new Frame.Change(++revision, pod("web-2"), deleting(pod("web-2", "11111111-0000-0000-0000-000000000002")))));
            await("both pods terminated", () -> agent.store.pending().stream().filter(r -> r instanceof Frame.PodTerminated).count() == 2);
            agent.view.applyAll(List.of(Frame.Change.delete(++revision, pod("web-1")), Frame.Change.delete(++revision, pod("web-2"))));
        }
    }

    /** The sync layer of an agent and the components that use it, as {@code outpost agent} wires them. */
    private static final class Agent implements AutoCloseable {
        final LocalStore store;
        final DesiredStateView view;
        final StatusReports reports;
        final PodManager pods;
        final NodeStatusReporter node;

        Agent(Path dir, Clock clock, ContainerRuntime runtime) throws Exception {
            store = LocalStore.open(dir.resolve("sync"));
            view = new DesiredStateView(store);
            reports = new StatusReports(store, () -> { });
            reports.start();
            pods = new PodManager(PodManagerConfig.of(NODE, dir, runtime, view, reports, clock, "127.0.0.1"));
            pods.start();
            node = new NodeStatusReporter(NodeStatusReporterConfig.of(NODE, dir, runtime.info(), reports, clock,
                    () -> LinkQuality.UNKNOWN, "test", "127.0.0.1"));
            node.start();
        }

        @Override
        public void close() {
            node.close();
            pods.close();
            reports.close();
            store.close();
        }
    }

    private static boolean running(LocalStore store, String pod) {
        return store.pending().stream().anyMatch(r -> r instanceof Frame.PodStatus s && s.name().equals(pod)
                && "Running".equals(AgentJson.decode(s.status(), PodStatus.class).getPhase()));
    }

    private static boolean reported(LocalStore store, Class<? extends Frame.Report> kind) {
        return store.pending().stream().filter(kind::isInstance).anyMatch(r -> switch (r) {
            case Frame.NodeStatus s -> AgentJson.decode(s.status(), NodeStatus.class).getCapacity() != null;
            case Frame.EventReport e -> AgentJson.decode(e.event(), Event.class).getReason() != null;
            default -> true;
        });
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(STEP);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                System.out.println("TIMEOUT waiting for " + what);
                System.exit(2);
            }
            Thread.sleep(50);
        }
    }

    private static ObjectRef pod(String name) {
        return new ObjectRef(ObjectKind.POD, "shop", name);
    }

    private static byte[] pod(String name, String uid) {
        return ("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"shop","uid":"%s","labels":{"app":"web"}},
                 "spec":{"nodeName":"%s","restartPolicy":"Always","terminationGracePeriodSeconds":2,
                  "containers":[{"name":"main","image":"busybox","command":["sh","-c","while :; do echo tick $THEME; sleep 1; done"],
                   "env":[{"name":"THEME","valueFrom":{"configMapKeyRef":{"name":"web-config","key":"theme"}}},
                          {"name":"KEY","valueFrom":{"secretKeyRef":{"name":"api","key":"key"}}}],
                   "resources":{"requests":{"cpu":"10m","memory":"16Mi"},"limits":{"memory":"64Mi"}},
                   "readinessProbe":{"exec":{"command":["true"]},"periodSeconds":1},
                   "volumeMounts":[{"name":"config","mountPath":"/etc/web"}]}],
                  "volumes":[{"name":"config","configMap":{"name":"web-config"}}]}}
                """.formatted(name, uid, NODE)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] deleting(byte[] pod) {
        return new String(pod, StandardCharsets.UTF_8).replace("\"labels\"",
                "\"deletionTimestamp\":\"2026-11-25T10:00:00Z\",\"deletionGracePeriodSeconds\":1,\"labels\"").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] node() {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + NODE + "\",\"labels\":{\"site\":\"store-12\"}},"
                + "\"spec\":{\"podCIDR\":\"10.42.3.0/24\"},\"status\":{\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":0}}}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] configMap() {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"web-config\",\"namespace\":\"shop\"},\"data\":{\"theme\":\"dark\"}}"
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] secret() {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"api\",\"namespace\":\"shop\"},\"data\":{\"key\":\"czNjcjN0\"}}"
                .getBytes(StandardCharsets.UTF_8);
    }
}
