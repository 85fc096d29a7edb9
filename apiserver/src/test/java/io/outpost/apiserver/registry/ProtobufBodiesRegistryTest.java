package io.outpost.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Creates with the bodies kubectl 1.32+ send (k8s\0 + runtime.Unknown) go through the same path as JSON. */
class ProtobufBodiesRegistryTest {

    private final Harness h = new Harness();

    private static byte[] protobuf(String kind, Message message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'k', '8', 's', 0});
        out.writeBytes(Unknown.newBuilder().setTypeMeta(TypeMeta.newBuilder().setApiVersion("v1").setKind(kind))
                .setRaw(message.toByteString()).build().toByteArray());
        return out.toByteArray();
    }

    private Harness.Answer post(ResourceType type, String contentType, byte[] body) {
        ApiRequest request = new ApiRequest("POST", "/test", Map.of(), Map.of("content-type", List.of(contentType)), body, Harness.ADMIN);
        ApiResponse response = h.registry.handle(request, Target.collection(type, "default"));
        JsonNode tree = Responses.JSON.readTree(((ApiResponse.Full) response).body());
        return new Harness.Answer(response.status(), tree, response);
    }

    @Test
    void aProtobufConfigMapIsCreatedAndStoredAsJson() {
        V1.ConfigMap cm = V1.ConfigMap.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("c").setNamespace("")
                .setCreationTimestamp(Meta.Time.getDefaultInstance())).putData("a", "b").build();

        Harness.Answer a = post(Fixtures.CONFIGMAPS, "application/vnd.kubernetes.protobuf", protobuf("ConfigMap", cm));

        assertThat(a.status()).as(a.body().toString()).isEqualTo(201);
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "c").body().path("data").path("a").asString()).isEqualTo("b");
        assertThat(a.body().path("metadata").path("creationTimestamp").asString()).isNotEmpty();
    }

    @Test
    void aProtobufConfigMapKeepsItsBinaryDataAsBase64() {
        V1.ConfigMap cm = V1.ConfigMap.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("bin"))
                .putBinaryData("k", ByteString.copyFrom(new byte[] {0, (byte) 0xff})).build();

        Harness.Answer a = post(Fixtures.CONFIGMAPS, "application/vnd.kubernetes.protobuf", protobuf("ConfigMap", cm));

        assertThat(a.status()).as(a.body().toString()).isEqualTo(201);
        assertThat(h.get(Fixtures.CONFIGMAPS, "default", "bin").body().path("binaryData").path("k").asString()).isEqualTo("AP8=");
    }

    @Test
    void aProtobufBodyOfAnotherKindThanTheUrlsIsBadRequest() {
        Harness.Answer a = post(Fixtures.CONFIGMAPS, "application/vnd.kubernetes.protobuf",
                protobuf("Secret", V1.Secret.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("s")).build()));

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.message()).contains("Secret in version \"v1\" cannot be handled as a ConfigMap");
        assertThat(h.kv.count(Fixtures.CONFIGMAPS.keyPrefix())).isZero();
    }

    @Test
    void anUnknownMediaTypeIs415WithKubesMessage() {
        Harness.Answer a = post(Fixtures.CONFIGMAPS, "text/plain", "{\"metadata\":{\"name\":\"c\"}}".getBytes());

        assertThat(a.status()).isEqualTo(415);
        assertThat(a.reason()).isEqualTo("UnsupportedMediaType");
        assertThat(a.message()).isEqualTo("the body of the request was in an unknown format - accepted media types include: "
                + "application/json, application/yaml, application/vnd.kubernetes.protobuf");
    }
}
