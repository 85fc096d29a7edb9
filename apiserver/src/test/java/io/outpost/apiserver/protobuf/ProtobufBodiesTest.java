package io.outpost.apiserver.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.stream.Stream;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bodies built with client-java-proto's own builders, framed as kubectl 1.32+ frames them
 * ({@code k8s\0} + runtime.Unknown), decode to the JSON kubectl 1.31 sends for the same command.
 * Like Go's gogo marshaller, the builders here set the empty non-pointer fields explicitly
 * ({@code namespace: ""}, an empty {@code creationTimestamp}), since that is what is on the wire.
 */
class ProtobufBodiesTest {

    record Case(String name, String apiVersion, String kind, Message message, String json) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The ObjectMeta gogo writes for a client-side object: every non-pointer field, empty. */
    static ObjectMeta.Builder meta(String name) {
        return ObjectMeta.newBuilder().setName(name).setGenerateName("").setNamespace("").setSelfLink("").setUid("")
                .setResourceVersion("").setGeneration(0).setCreationTimestamp(Meta.Time.getDefaultInstance());
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("create configmap c --from-literal=a=b", "v1", "ConfigMap",
                        V1.ConfigMap.newBuilder().setMetadata(meta("c")).putData("a", "b").build(),
                        """
                        {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","creationTimestamp":null},"data":{"a":"b"}}"""),
                new Case("a Secret's data and binaryData-like bytes are base64, a false immutable pointer is kept", "v1", "Secret",
                        V1.Secret.newBuilder().setMetadata(meta("s")).putData("k", ByteString.copyFromUtf8("v"))
                                .putData("bin", ByteString.copyFrom(new byte[] {0, 1, (byte) 0xff})).putData("empty", ByteString.EMPTY)
                                .setImmutable(false).setType("Opaque").build(),
                        """
                        {"kind":"Secret","apiVersion":"v1","metadata":{"name":"s","creationTimestamp":null},"immutable":false,
                         "data":{"k":"dg==","bin":"AAH/","empty":""},"type":"Opaque"}"""),
                new Case("create namespace x keeps the empty spec and status structs", "v1", "Namespace",
                        V1.Namespace.newBuilder().setMetadata(meta("x")).setSpec(V1.NamespaceSpec.getDefaultInstance())
                                .setStatus(V1.NamespaceStatus.newBuilder().setPhase("")).build(),
                        """
                        {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"x","creationTimestamp":null},"spec":{},"status":{}}"""),
                new Case("create deployment d with a pod template, int-or-strings, quantities and a zero replicas", "apps/v1", "Deployment",
                        deployment(),
                        """
                        {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"d","creationTimestamp":null,"labels":{"app":"d"}},
                         "spec":{"replicas":0,"selector":{"matchLabels":{"app":"d"}},
                          "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"d"}},
                           "spec":{"containers":[{"name":"busybox","image":"busybox","command":["sleep","3600"],
                            "resources":{"limits":{"cpu":"500m","memory":"64Mi"}}}]}},
                          "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":"25%"}}},
                         "status":{}}"""),
                new Case("auth can-i get pods", "authorization.k8s.io/v1", "SelfSubjectAccessReview",
                        V1Authorization.SelfSubjectAccessReview.newBuilder().setMetadata(meta(""))
                                .setSpec(V1Authorization.SelfSubjectAccessReviewSpec.newBuilder().setResourceAttributes(
                                        V1Authorization.ResourceAttributes.newBuilder().setNamespace("default").setVerb("get")
                                                .setGroup("").setVersion("").setResource("pods").setSubresource("").setName("")))
                                .setStatus(V1Authorization.SubjectAccessReviewStatus.newBuilder().setAllowed(false).setReason(""))
                                .build(),
                        """
                        {"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},
                         "spec":{"resourceAttributes":{"namespace":"default","verb":"get","resource":"pods"}},"status":{}}"""),
                new Case("auth can-i --list", "authorization.k8s.io/v1", "SelfSubjectRulesReview",
                        V1Authorization.SelfSubjectRulesReview.newBuilder().setMetadata(meta(""))
                                .setSpec(V1Authorization.SelfSubjectRulesReviewSpec.newBuilder().setNamespace("default"))
                                .setStatus(V1Authorization.SubjectRulesReviewStatus.newBuilder().setIncomplete(false)).build(),
                        """
                        {"kind":"SelfSubjectRulesReview","apiVersion":"authorization.k8s.io/v1","metadata":{"creationTimestamp":null},
                         "spec":{"namespace":"default"},"status":{}}"""),
                new Case("auth whoami, with extra values as arrays", "authentication.k8s.io/v1", "SelfSubjectReview",
                        V1Authentication.SelfSubjectReview.newBuilder().setMetadata(meta(""))
                                .setStatus(V1Authentication.SelfSubjectReviewStatus.newBuilder().setUserInfo(
                                        V1Authentication.UserInfo.newBuilder().setUsername("u").addGroups("g")
                                                .putExtra("scopes", V1Authentication.ExtraValue.newBuilder().addItems("a").build())))
                                .build(),
                        """
                        {"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1","metadata":{"creationTimestamp":null},
                         "status":{"userInfo":{"username":"u","groups":["g"],"extra":{"scopes":["a"]}}}}"""),
                new Case("times are RFC 3339 (Time drops nanos as kube does; MicroTime keeps micros), managedFields raw JSON",
                        "v1", "ConfigMap",
                        V1.ConfigMap.newBuilder().setMetadata(meta("t")
                                .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(1_700_000_000L).setNanos(5))
                                .addManagedFields(Meta.ManagedFieldsEntry.newBuilder().setManager("m").setOperation("Update")
                                        .setFieldsType("FieldsV1").setFieldsV1(Meta.FieldsV1.newBuilder()
                                                .setRaw(ByteString.copyFromUtf8("{\"f:data\":{}}")))
                                        .setTime(Meta.Time.newBuilder().setSeconds(0)))).build(),
                        """
                        {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"t","creationTimestamp":"2023-11-14T22:13:20Z",
                         "managedFields":[{"manager":"m","operation":"Update","time":"1970-01-01T00:00:00Z",
                          "fieldsType":"FieldsV1","fieldsV1":{"f:data":{}}}]}}"""),
                new Case("an event's MicroTime keeps microseconds", "events.k8s.io/v1", "Event",
                        io.kubernetes.client.proto.V1Events.Event.newBuilder().setMetadata(meta("e"))
                                .setEventTime(Meta.MicroTime.newBuilder().setSeconds(1_700_000_000L).setNanos(123_456_789)).build(),
                        """
                        {"kind":"Event","apiVersion":"events.k8s.io/v1","metadata":{"name":"e","creationTimestamp":null},
                         "eventTime":"2023-11-14T22:13:20.123456Z"}"""));
    }

    static V1Apps.Deployment deployment() {
        V1.Container container = V1.Container.newBuilder().setName("busybox").setImage("busybox").addCommand("sleep").addCommand("3600")
                .setResources(V1.ResourceRequirements.newBuilder()
                        .putLimits("cpu", Quantity.newBuilder().setString("500m").build())
                        .putLimits("memory", Quantity.newBuilder().setString("64Mi").build()))
                .setTerminationMessagePath("").setImagePullPolicy("").setStdin(false).setTty(false).build();
        return V1Apps.Deployment.newBuilder()
                .setMetadata(meta("d").putLabels("app", "d"))
                .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(0)
                        .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "d"))
                        .setTemplate(V1.PodTemplateSpec.newBuilder().setMetadata(meta("").putLabels("app", "d"))
                                .setSpec(V1.PodSpec.newBuilder().addContainers(container).setRestartPolicy("").setHostNetwork(false)))
                        .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("RollingUpdate")
                                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                                        .setMaxUnavailable(IntOrString.newBuilder().setType(0).setIntVal(1).setStrVal(""))
                                        .setMaxSurge(IntOrString.newBuilder().setType(1).setIntVal(0).setStrVal("25%"))))
                        .setMinReadySeconds(0).setPaused(false))
                .setStatus(V1Apps.DeploymentStatus.newBuilder().setObservedGeneration(0).setReplicas(0).build())
                .build();
    }

    /** The bytes kubectl sends: the magic, then runtime.Unknown{typeMeta, raw}. */
    static byte[] body(String apiVersion, String kind, Message message) {
        return body(apiVersion, kind, message.toByteString());
    }

    static byte[] body(String apiVersion, String kind, ByteString raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'k', '8', 's', 0});
        out.writeBytes(Unknown.newBuilder().setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(raw).setContentEncoding("").setContentType("").build().toByteArray());
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesToKubernetesJson(Case c) {
        ProtobufBodies.Decoded decoded = ProtobufBodies.toJson(body(c.apiVersion(), c.kind(), c.message()));

        JsonNode expected = JsonMapper.builder().build().readTree(c.json());
        assertThat(decoded.object()).isEqualTo(expected);
        assertThat(decoded.kind()).isEqualTo(c.kind());
        assertThat(decoded.apiVersion()).isEqualTo(c.apiVersion());
        assertThat(decoded.object().propertyNames().stream().limit(2).toList()).containsExactly("kind", "apiVersion");
    }

    @Test
    void aKindWithNoProtobufMessageIsUnsupportedMediaTypeSoTheClientCanSendJson() {
        byte[] body = body("example.com/v1", "Widget", V1.ConfigMap.getDefaultInstance());

        assertThatThrownBy(() -> ProtobufBodies.toJson(body)).isInstanceOfSatisfying(UnreadableBodyException.class, e -> {
            assertThat(e.code()).isEqualTo(415);
            assertThat(e.reason()).isEqualTo("UnsupportedMediaType");
            assertThat(e.getMessage()).contains("Widget", "example.com/v1", "application/json");
        });
    }

    @Test
    void aBodyWithoutTheMagicIsBadRequest() {
        assertThatThrownBy(() -> ProtobufBodies.toJson("{\"kind\":\"ConfigMap\"}".getBytes()))
                .isInstanceOfSatisfying(UnreadableBodyException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessageContaining("k8s\\x00");
    }

    @Test
    void rawBytesThatAreNotTheNamedMessageAreBadRequestNamingTheKind() {
        // field 1 (metadata) claims 99 bytes and has none
        byte[] body = body("v1", "ConfigMap", ByteString.copyFrom(new byte[] {10, 99}));

        assertThatThrownBy(() -> ProtobufBodies.toJson(body))
                .isInstanceOfSatisfying(UnreadableBodyException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessageContaining("ConfigMap in version \"v1\" cannot be handled as a ConfigMap");
    }

    @Test
    void anEnvelopeWithoutAKindIsBadRequest() {
        assertThatThrownBy(() -> ProtobufBodies.toJson(body("v1", "", V1.ConfigMap.getDefaultInstance())))
                .isInstanceOfSatisfying(UnreadableBodyException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessageContaining("Kind");
    }
}
