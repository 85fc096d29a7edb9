package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.outpost.agent.sync.EdgeSync;

/**
 * Events as users read them with real kubectl, the oldest and newest we support, against the whole
 * server in this JVM: what an agent reports through the real tunnel ({@link EdgeSync} over mTLS,
 * the server's Upstream), what the controllers record, and events.k8s.io/v1 and core/v1 as two
 * schemas of one storage. Each version works in namespaces and on nodes of its own.
 */
@Tag("system")
class KubectlEventsTest {

    @TempDir
    static Path dir;

    static ServerFixture server;
    static Kubectl kubectl;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        kubectl = Kubectl.find(dir, dir.resolve("data/admin.kubeconfig"));
        server = ServerFixture.start(dir, ServerFixture::nodesWithoutAgents);
        client = server.client();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String suffix(String version) {
        return version.replace('.', '-');
    }

    /**
     * An event as the agent's pod workers build it, with the eventTime an agent before this
     * version sent (nanoseconds, which no Go client decodes: the server stores microseconds).
     */
    private static Event agentEvent(String kind, String namespace, String name, String uid, String fieldPath,
                                    String type, String reason, String action, String note) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusNanos(123_456_789);
        return new EventBuilder().withNewMetadata().withNamespace(namespace == null ? "default" : namespace)
                .withName(name + "." + Long.toHexString(System.nanoTime())).endMetadata()
                .withEventTime(new MicroTime(now.toString()))
                .withReportingController("outpost.io/agent").withReportingInstance("outpost-agent")
                .withType(type).withReason(reason).withAction(action).withNote(note)
                .withNewRegarding().withApiVersion("v1").withKind(kind).withNamespace(namespace).withName(name).withUid(uid)
                .withFieldPath(fieldPath).endRegarding().build();
    }

    @ParameterizedTest(name = "kubectl {0} describe pod and node show the events an agent reported through the tunnel")
    @ValueSource(strings = {"1.27", "1.33"})
    void describeShowsTheAgentsEvents(String version) throws Exception {
        String node = "edge-" + suffix(version);
        String podName = "web-" + suffix(version);
        Pod pod = client.pods().resource(TunnelTest.pod(podName, node)).create();
        String uid = pod.getMetadata().getUid();
        try (EdgeSync edge = EdgeFixture.start(server.server().api().pki(), server.port(), node, dir.resolve("edge-" + version))) {
            edge.statusSink().nodeStatus(new NodeStatusBuilder().addNewCondition().withType("Ready").withStatus("True")
                    .withReason("KubeletReady").endCondition().build());
            edge.statusSink().event(agentEvent("Pod", "default", podName, uid, "spec.containers{c}", "Normal", "Started", "Start",
                    "Started container c"));
            edge.statusSink().event(agentEvent("Pod", "default", podName, uid, "spec.containers{c}", "Warning", "Unhealthy", "Probe",
                    "Readiness probe failed: connection refused"));
            // kubelet's node events use the node's name as the uid
            edge.statusSink().event(agentEvent("Node", null, node, node, null, "Normal", "Starting", "Start", "Starting outpost agent."));
            await().atMost(30, TimeUnit.SECONDS).until(() -> client.v1().events().inAnyNamespace()
                    .withField("involvedObject.name", podName).list().getItems().size() == 2
                    && client.nodes().withName(node).get() != null
                    && !client.v1().events().inAnyNamespace().withField("involvedObject.name", node).list().getItems().isEmpty());
        }

        String described = kubectl.ok(version, "describe", "pod", podName).out();
        assertThat(described).doesNotContainPattern("Events:\\s+<none>")
                .containsPattern("Normal\\s+Started\\s+\\S+\\s+outpost.io/agent\\s+Started container c")
                .containsPattern("Warning\\s+Unhealthy\\s+\\S+\\s+outpost.io/agent\\s+Readiness probe failed: connection refused");
        assertThat(kubectl.ok(version, "describe", "node", node).out())
                .containsPattern("Normal\\s+Starting\\s+\\S+\\s+outpost.io/agent\\s+Starting outpost agent.");

        String listed = kubectl.ok(version, "get", "events", "--field-selector", "involvedObject.name=" + podName).out();
        assertThat(listed.lines().findFirst().orElse("")).containsPattern("LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE");
        assertThat(listed).containsPattern("Normal\\s+Started\\s+pod/" + podName + "\\s+Started container c");
        String viaEventsApi = kubectl.ok(version, "get", "events.v1.events.k8s.io", "--field-selector", "regarding.name=" + podName,
                "-o", "custom-columns=REASON:.reason,NOTE:.note,TIME:.eventTime").out();
        assertThat(viaEventsApi).containsPattern("Started\\s+Started container c\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.123456Z");
        assertThat(kubectl.ok(version, "events", "--for", "pod/" + podName).out())
                .containsPattern("Warning\\s+Unhealthy\\s+Pod/" + podName + "\\s+Readiness probe failed");
    }

    @ParameterizedTest(name = "kubectl {0}: an event created in one schema is read in the other, by field selectors in each")
    @ValueSource(strings = {"1.27", "1.33"})
    void oneEventTwoSchemas(String version) throws Exception {
        String ns = "ev-" + suffix(version);
        kubectl.ok(version, "create", "namespace", ns);
        Path newStyle = kubectl.file("new-" + version + ".yaml", """
                apiVersion: events.k8s.io/v1
                kind: Event
                metadata: {name: new-style, namespace: %s}
                eventTime: "2026-11-25T10:00:00.000000Z"
                type: Warning
                reason: BackOff
                action: Start
                note: Back-off restarting failed container
                reportingController: example.com/watcher
                reportingInstance: watcher-1
                regarding: {apiVersion: v1, kind: Pod, namespace: %s, name: app, uid: uid-app}
                """.formatted(ns, ns));
        Path oldStyle = kubectl.file("old-" + version + ".yaml", """
                apiVersion: v1
                kind: Event
                metadata: {name: old-style, namespace: %s}
                type: Normal
                reason: Pulled
                message: Container image already present
                count: 3
                firstTimestamp: "2026-11-25T10:00:00Z"
                lastTimestamp: "2026-11-25T10:05:00Z"
                source: {component: kubelet, host: n1}
                involvedObject: {apiVersion: v1, kind: Pod, namespace: %s, name: app, uid: uid-app}
                """.formatted(ns, ns));
        kubectl.ok(version, "create", "-f", newStyle.toString());
        kubectl.ok(version, "create", "-f", oldStyle.toString());

        assertThat(kubectl.ok(version, "get", "events", "-n", ns, "new-style", "-o", "jsonpath={.message}/{.involvedObject.uid}/{.reportingComponent}").out())
                .isEqualTo("Back-off restarting failed container/uid-app/example.com/watcher");
        assertThat(kubectl.ok(version, "get", "events.events.k8s.io", "-n", ns, "old-style",
                "-o", "jsonpath={.note}/{.deprecatedCount}/{.deprecatedSource.component}/{.regarding.name}").out())
                .isEqualTo("Container image already present/3/kubelet/app");
        assertThat(kubectl.ok(version, "get", "events.events.k8s.io", "-n", ns, "-o", "name",
                "--field-selector", "reportingController=example.com/watcher").out().strip())
                .isEqualTo("event.events.k8s.io/new-style");
        assertThat(kubectl.ok(version, "get", "events", "-n", ns, "-o", "name", "--field-selector", "type=Normal").out().strip())
                .isEqualTo("event/old-style");
        Kubectl.Run unsupported = kubectl.run(version, "get", "events.events.k8s.io", "-n", ns, "--field-selector", "involvedObject.name=app");
        assertThat(unsupported.exitCode()).isNotZero();
        assertThat(unsupported.err()).contains("field label not supported: involvedObject.name");
        String table = kubectl.ok(version, "get", "events.events.k8s.io", "-n", ns, "--sort-by", ".metadata.name").out();
        assertThat(table).containsPattern("Warning\\s+BackOff\\s+pod/app\\s+Back-off restarting failed container")
                .containsPattern("Normal\\s+Pulled\\s+pod/app\\s+Container image already present");

        kubectl.ok(version, "delete", "events.events.k8s.io", "-n", ns, "old-style");
        assertThat(kubectl.ok(version, "get", "events", "-n", ns, "-o", "name").out().strip()).isEqualTo("event/new-style");
    }

    @ParameterizedTest(name = "kubectl {0}: each schema keeps kube's validation")
    @ValueSource(strings = {"1.27", "1.33"})
    void validationPerSchema(String version) throws Exception {
        String ns = "bad-" + suffix(version);
        kubectl.ok(version, "create", "namespace", ns);
        String event = """
                apiVersion: %s
                kind: Event
                metadata: {name: %s, namespace: %s}
                type: Normal
                reason: Pulled
                %s: Container image already present
                %s: {apiVersion: v1, kind: Pod, namespace: %s, name: app}
                """;
        Path strict = kubectl.file("strict-" + version + ".yaml", event.formatted("events.k8s.io/v1", "no-time", ns, "note", "regarding", ns));
        Kubectl.Run refused = kubectl.run(version, "create", "-f", strict.toString());
        assertThat(refused.exitCode()).isNotZero();
        // kubectl words it from the Status details (kind and name); kube's message says Event.events.k8s.io
        assertThat(refused.err()).contains("The Event \"no-time\" is invalid: eventTime: Required value");
        // the same event in core/v1 is an old-style event: the legacy rules only
        Path legacy = kubectl.file("legacy-" + version + ".yaml", event.formatted("v1", "no-time", ns, "message", "involvedObject", ns));
        kubectl.ok(version, "create", "-f", legacy.toString());
        // through events.k8s.io, what an event says is immutable
        Kubectl.Run immutable = kubectl.run(version, "patch", "events.events.k8s.io", "-n", ns, "no-time", "--type", "merge",
                "-p", "{\"note\":\"changed\"}");
        assertThat(immutable.exitCode()).isNotZero();
        assertThat(immutable.err()).contains("message: Invalid value: \"changed\": field is immutable");
        kubectl.ok(version, "patch", "events", "-n", ns, "no-time", "--type", "merge", "-p", "{\"message\":\"changed\"}");
    }

    @ParameterizedTest(name = "kubectl {0} describe deployment and replicaset, get events and events show the controllers' events")
    @ValueSource(strings = {"1.27", "1.33"})
    void describeShowsTheControllersEvents(String version) throws Exception {
        String ns = "apps-" + suffix(version);
        kubectl.ok(version, "create", "namespace", ns);
        Path deployment = kubectl.file("deploy-" + version + ".yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: %s}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: c, image: busybox}]}
                """.formatted(ns));
        kubectl.ok(version, "create", "-f", deployment.toString());
        await().atMost(30, TimeUnit.SECONDS).until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                .anyMatch(e -> "SuccessfulCreate".equals(e.getReason())));
        assertThat(kubectl.ok(version, "describe", "deployment", "-n", ns, "web").out())
                .containsPattern("Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set web-\\S+ (to|from 0 to) 2");
        assertThat(kubectl.ok(version, "describe", "replicaset", "-n", ns).out())
                .containsPattern("Normal\\s+SuccessfulCreate\\s+\\S+\\s+replicaset-controller\\s+Created pod: web-");
        assertThat(kubectl.ok(version, "get", "events", "-n", ns).out())
                .containsPattern("Normal\\s+ScalingReplicaSet\\s+deployment/web\\s+Scaled up replica set");
        assertThat(kubectl.ok(version, "events", "-n", ns).out())
                .containsPattern("Normal\\s+ScalingReplicaSet\\s+Deployment/web\\s+Scaled up replica set")
                .containsPattern("Normal\\s+SuccessfulCreate\\s+ReplicaSet/web-\\S+\\s+Created pod: web-");
    }
}
