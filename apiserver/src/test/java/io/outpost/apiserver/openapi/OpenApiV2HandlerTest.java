package io.outpost.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;

import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.UserInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OpenApiV2HandlerTest {

    private static final OpenApiV2Handler HANDLER = new OpenApiV2Handler();

    private static ApiResponse.Full get(String accept) {
        return (ApiResponse.Full) HANDLER.handle(new ApiRequest("GET", "/openapi/v2", Map.of(),
                Map.of("accept", List.of(accept)), new byte[0], new UserInfo("u", List.of())));
    }

    @Test
    void kubectl127GetsAGnosticDocumentWithTheDefinitionsUnderTheDottedContentType() throws Exception {
        ApiResponse.Full response = get("application/com.github.proto-openapi.spec.v2@v1.0+protobuf");
        assertThat(response.contentType()).isEqualTo("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");

        // openapi.v2.Document: swagger = 1, info = 2, definitions = 9 (NamedSchema = 1: name = 1, value = 2).
        UnknownFieldSet document = UnknownFieldSet.parseFrom(response.body());
        assertThat(document.getField(1).getLengthDelimitedList()).containsExactly(ByteString.copyFromUtf8("2.0"));
        UnknownFieldSet definitions = UnknownFieldSet.parseFrom(document.getField(9).getLengthDelimitedList().getFirst());
        List<String> names = definitions.getField(1).getLengthDelimitedList().stream()
                .map(named -> parse(named).getField(1).getLengthDelimitedList().getFirst().toString(StandardCharsets.UTF_8))
                .toList();
        assertThat(names).contains("io.k8s.api.apps.v1.Deployment", "io.k8s.api.core.v1.Pod",
                "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    }

    @ParameterizedTest(name = "Accept {0} gets {1}")
    @CsvSource(delimiter = '|', value = {
            "application/json|application/json",
            "*/*|application/json",
            "application/com.github.proto-openapi.spec.v2.v1.0+protobuf, application/json|application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
            "application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf|application/json"})
    void theAcceptListChoosesTheForm(String accept, String contentType) {
        assertThat(get(accept).contentType()).isEqualTo(contentType);
    }

    @Test
    void theJsonFormIsSwaggerWithDefinitionsReferringToDefinitions() {
        JsonNode doc = JsonMapper.builder().build().readTree(get("application/json").body());
        assertThat(doc.path("swagger").asString()).isEqualTo("2.0");
        JsonNode deployment = doc.path("definitions").path("io.k8s.api.apps.v1.Deployment");
        assertThat(deployment.path("properties").path("spec").path("$ref").asString())
                .isEqualTo("#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
        assertThat(doc.path("definitions").path("io.k8s.apimachinery.pkg.util.intstr.IntOrString").toString())
                .isEqualTo("{\"type\":\"string\",\"format\":\"int-or-string\"}");
    }

    private static UnknownFieldSet parse(ByteString bytes) {
        try {
            return UnknownFieldSet.parseFrom(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
