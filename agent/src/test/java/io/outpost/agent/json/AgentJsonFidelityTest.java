package io.outpost.agent.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.outpost.api.Codec;
import io.outpost.api.FieldProblem;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The agent's jackson-jr binding against the API's Codec (databind), which it replaces in the
 * agent: on every object of the {@link Corpus}, and on objects built in code as the agent builds
 * its reports, both read the same objects and write the same JSON.
 */
class AgentJsonFidelityTest {

    private static final Codec CODEC = new Codec();

    static Stream<Corpus.Entry> corpus() {
        return Corpus.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void decodedByBothCodecsTheObjectsAreEqual(Corpus.Entry e) {
        Object byDatabind = CODEC.json().readValue(e.json(), e.type());

        assertThat(AgentJson.decode(e.json(), e.type())).isEqualTo(byDatabind);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void theCorpusUsesOnlyFieldsFabric8KnowsUnlessItMeansTo(Corpus.Entry e) {
        var problems = CODEC.decode(e.json(), Codec.Format.JSON, e.type()).problems();

        assertThat(problems).extracting(FieldProblem::message).as("a field the corpus means fabric8 to know")
                .allMatch(m -> e.unknownFields() && m.contains("future"));
        assertThat(problems.isEmpty()).isEqualTo(!e.unknownFields());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void encodedByBothCodecsTheJsonIsTheSameTreeAndTheSameBytes(Corpus.Entry e) {
        Object object = CODEC.json().readValue(e.json(), e.type());

        byte[] byDatabind = CODEC.toJson(object);
        byte[] byJr = AgentJson.encode(object);

        assertThat(tree(byJr)).isEqualTo(tree(byDatabind));
        assertThat(text(byJr)).isEqualTo(text(byDatabind));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void whatTheAgentWritesItReadsBackAsTheSameObjectAndWritesAgainTheSame(Corpus.Entry e) {
        byte[] written = AgentJson.encode(AgentJson.decode(e.json(), e.type()));

        Object readBack = AgentJson.decode(written, e.type());
        // A null collection is left out and reads back as fabric8's empty default: compare with databind's reading.
        assertThat(readBack).isEqualTo(CODEC.json().readValue(written, e.type()));
        assertThat(text(AgentJson.encode(readBack))).isEqualTo(text(written));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void thePlainReadingIsDatabindsTreeAsPlainValues(Corpus.Entry e) {
        assertThat(AgentJson.plain(e.json())).isEqualTo(CODEC.json().readValue(e.json(), Object.class));
    }

    @Test
    void unknownFieldsAreDroppedAsTheCodecDropsThem() {
        byte[] json = Corpus.all().filter(Corpus.Entry::unknownFields).findFirst().orElseThrow().json();

        Pod pod = AgentJson.decode(json, Pod.class);

        assertThat(pod.getAdditionalProperties()).isEmpty();
        assertThat(pod.getSpec().getAdditionalProperties()).isEmpty();
        assertThat(pod.getSpec().getContainers().getFirst().getAdditionalProperties()).isEmpty();
        assertThat(text(AgentJson.encode(pod))).doesNotContain("future");
    }

    @Test
    void aNullInTheJsonIsANullInTheObjectAndIsNotWritten() {
        byte[] json = Corpus.all().filter(Corpus.Entry::unknownFields).findFirst().orElseThrow().json();

        Pod pod = AgentJson.decode(json, Pod.class);

        assertThat(pod.getMetadata().getLabels()).isNull();
        assertThat(pod.getSpec().getPriority()).isNull();
        assertThat(pod.getSpec().getContainers().getFirst().getResources().getLimits()).containsEntry("cpu", null);
        assertThat(pod.getStatus()).isNull();
        assertThat(text(AgentJson.encode(pod))).doesNotContain("\"status\"").doesNotContain("\"labels\"")
                .contains("\"limits\":{\"cpu\":null,\"memory\":\"1Gi\"}");
    }

    @Test
    void quantitiesIntOrStringsAndMicroTimesReadAsFabric8ReadsThem() {
        Pod pod = AgentJson.decode(Corpus.all().filter(e -> e.file().equals("pod-quantities.json")).findFirst().orElseThrow().json(),
                Pod.class);
        Map<String, Quantity> overhead = pod.getSpec().getOverhead();

        assertThat(overhead.get("cpu")).isEqualTo(new Quantity("1"));
        assertThat(overhead.get("memory")).isEqualTo(new Quantity("1.5"));
        assertThat(overhead.get("a").getFormat()).isEqualTo("Ki");
        assertThat(pod.getSpec().getContainers().getFirst().getResources().getRequests().get("cpu")).isEqualTo(new Quantity("250m"));

        Pod rich = AgentJson.decode(Corpus.pods().findFirst().orElseThrow().json(), Pod.class);
        var web = rich.getSpec().getContainers().getFirst();
        assertThat(web.getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(8080));
        assertThat(web.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("http"));
    }

    record Built(String description, Object object) {
        @Override
        public String toString() {
            return description;
        }
    }

    /** Objects as the agent builds them (not decoded): what StatusReports encodes. */
    static Stream<Built> built() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("z", "26");
        labels.put("a", "1");
        PodStatus withExtras = new PodStatusBuilder().withPhase("Running")
                .addToContainerStatuses(new ContainerStatusBuilder().withName("c").withReady(true).withRestartCount(0)
                        .withNewState().withNewRunning("2026-11-25T10:00:00Z").endState().build())
                .build();
        withExtras.setAdditionalProperty("outpostExtra", Map.of("b", 2, "a", 1));
        NodeStatus node = new NodeStatusBuilder().addToCapacity("cpu", new Quantity("4")).addToCapacity("memory", new Quantity("8", "Gi"))
                .addToAllocatable("cpu", Quantity.parse("3800m")).withNewDaemonEndpoints().withNewKubeletEndpoint(0).endDaemonEndpoints()
                .build();
        Event event = new EventBuilder().withNewMetadata().withName("p.1").withNamespace("ns").endMetadata()
                .withEventTime(new MicroTime("2026-11-25T10:00:00.000001Z")).withReason("Started").withNote("Started container c")
                .withType("Normal").withReportingController("outpost.io/agent").withReportingInstance("edge-1")
                .withNewRegarding().withKind("Pod").withName("p").withNamespace("ns").endRegarding()
                .withNewSeries().withCount(2).withLastObservedTime(new MicroTime("2026-11-25T10:00:01.000002Z")).endSeries().build();
        CertificateSigningRequest csr = new CertificateSigningRequestBuilder().withNewMetadata().withGenerateName("node-csr-").endMetadata()
                .withNewSpec().withRequest("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K")
                .withSignerName("kubernetes.io/kube-apiserver-client-kubelet").withUsages("digital signature", "client auth")
                .withExpirationSeconds(86400).endSpec().build();
        return Stream.of(
                new Built("A CertificateSigningRequest as the agent's join submits one", csr),
                new Built("A pod status with a running container and an additional property", withExtras),
                new Built("A node status with quantities made in code", node),
                new Built("An event as the agent records one", event),
                new Built("The node's labels and annotations, as the agent reports them",
                        Map.of("labels", labels, "annotations", new TreeMap<>(Map.of("k", "v")))),
                new Built("An empty status", new PodStatus()),
                new Built("An IntOrString with no value, a Quantity with no format",
                        Map.of("port", new IntOrString(), "q", new Quantity("5", null))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("built")
    void objectsBuiltInCodeAreWrittenAsTheCodecWritesThem(Built b) {
        assertThat(text(AgentJson.encode(b.object()))).isEqualTo(text(CODEC.toJson(b.object())));
    }

    @Test
    void aCertificateSigningRequestRoundTrips() {
        CertificateSigningRequest sent = (CertificateSigningRequest) built().findFirst().orElseThrow().object();
        byte[] answer = Corpus.all().filter(e -> e.type() == CertificateSigningRequest.class).findFirst().orElseThrow().json();

        assertThat(AgentJson.decode(AgentJson.encode(sent), CertificateSigningRequest.class)).isEqualTo(sent);
        CertificateSigningRequest approved = AgentJson.decode(answer, CertificateSigningRequest.class);
        assertThat(approved.getStatus().getCertificate()).startsWith("LS0t");
        assertThat(approved.getStatus().getConditions()).singleElement().satisfies(c -> assertThat(c.getType()).isEqualTo("Approved"));
        assertThat(approved.getSpec().getExtra()).containsKey("authentication.kubernetes.io/credential-id");
    }

    @Test
    void decodingAtARevisionSetsTheResourceVersionEvenWithoutMetadata() {
        byte[] json = "{\"kind\":\"Pod\",\"spec\":{\"containers\":[]}}".getBytes(StandardCharsets.UTF_8);

        assertThat(AgentJson.decodeAt(json, Pod.class, 42).getMetadata().getResourceVersion()).isEqualTo("42");
        assertThat(AgentJson.decodeAt(Corpus.pods().findFirst().orElseThrow().json(), Pod.class, 43).getMetadata().getResourceVersion())
                .isEqualTo("43");
    }

    record Odd(String description, String spec) {
        @Override
        public String toString() {
            return description;
        }

        byte[] json() {
            return ("{\"kind\":\"Pod\",\"spec\":{" + spec + "}}").getBytes(StandardCharsets.UTF_8);
        }
    }

    static Stream<Odd> odd() {
        return Stream.of(
                new Odd("Broken JSON", "\"nodeName\":"),
                new Odd("A string where an object belongs", "\"securityContext\":\"nope\""),
                new Odd("An object where a string belongs", "\"nodeName\":{\"hostNetwork\":true}"),
                new Odd("An array where a string belongs", "\"nodeName\":[\"a\"]"),
                new Odd("A number where a string belongs", "\"nodeName\":7"),
                new Odd("A boolean where a string belongs", "\"nodeName\":true"),
                new Odd("Text where an int belongs", "\"priority\":\"high\""),
                new Odd("A number as text where an int belongs", "\"priority\":\"3\""),
                new Odd("A fraction where an int belongs", "\"priority\":1.5"),
                new Odd("A negative fraction where a long belongs", "\"activeDeadlineSeconds\":-2.7"),
                new Odd("A fraction where a string belongs", "\"nodeName\":1.50"),
                new Odd("A whole float where an int belongs", "\"priority\":2.0"),
                new Odd("An int beyond 32 bits", "\"priority\":4294967296"),
                new Odd("A boolean where an int belongs", "\"priority\":true"),
                new Odd("An object where a long belongs", "\"activeDeadlineSeconds\":{}"),
                new Odd("A number as text where a long belongs", "\"activeDeadlineSeconds\":\"10\""),
                new Odd("Text where a boolean belongs", "\"hostNetwork\":\"true\""),
                new Odd("A number where a boolean belongs", "\"hostNetwork\":1"),
                new Odd("A boolean as an int-or-string", "\"containers\":[{\"name\":\"c\",\"livenessProbe\":{\"tcpSocket\":{\"port\":true}}}]"),
                new Odd("An int-or-string beyond 32 bits", "\"containers\":[{\"name\":\"c\",\"livenessProbe\":{\"tcpSocket\":{\"port\":4294967296}}}]"),
                new Odd("A fraction as an int-or-string", "\"containers\":[{\"name\":\"c\",\"livenessProbe\":{\"tcpSocket\":{\"port\":1.5}}}]"),
                new Odd("An array as a quantity", "\"overhead\":{\"cpu\":[1]}"),
                new Odd("A boolean as a quantity", "\"overhead\":{\"cpu\":true}"),
                new Odd("An object where a list belongs", "\"containers\":{\"name\":\"c\"}"),
                new Odd("A string where a map belongs", "\"nodeSelector\":\"a=b\""),
                new Odd("A number as a label value", "\"nodeSelector\":{\"a\":1}"),
                new Odd("A repeated field: the last wins", "\"nodeName\":\"a\",\"nodeName\":\"b\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("odd")
    void oddJsonIsRefusedOrReadJustAsDatabindRefusesOrReadsIt(Odd o) {
        Object byDatabind;
        try {
            byDatabind = CODEC.json().readValue(o.json(), Pod.class);
        } catch (JacksonException e) {
            assertThatThrownBy(() -> AgentJson.decode(o.json(), Pod.class)).as("databind refuses: " + e.getOriginalMessage())
                    .isInstanceOf(JacksonException.class);
            return;
        }
        // Compared as the Codec writes them: Quantity.equals throws on an amount that is no number.
        assertThat(text(CODEC.toJson(AgentJson.decode(o.json(), Pod.class)))).isEqualTo(text(CODEC.toJson(byDatabind)));
    }

    @Test
    void aJsonNullIsRefusedRatherThanReadAsNoObject() {
        assertThatThrownBy(() -> AgentJson.decode("null".getBytes(StandardCharsets.UTF_8), Pod.class)).isInstanceOf(JacksonException.class);
    }

    private static JsonNode tree(byte[] json) {
        return CODEC.json().readTree(json);
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }
}
