package io.outpost.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

class CodecTest {

    private static final Codec CODEC = new Codec();

    private static final String DEPLOYMENT = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
                     "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
                     "template":{"metadata":{"labels":{"app":"web"}},
                                 "spec":{"containers":[{"name":"app","image":"nginx"},{"name":"side","image":"busybox"}]}}}}""";

    record Case(String description, Codec.Format format, String body, List<String> problems) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> bodies() {
        return Stream.of(
                new Case("A clean deployment has no problems", Codec.Format.JSON, DEPLOYMENT, List.of()),
                new Case("An unknown spec field is reported by its path", Codec.Format.JSON,
                        DEPLOYMENT.replace("\"replicas\":3", "\"replicas\":3,\"foo\":1"), List.of("unknown field \"spec.foo\"")),
                new Case("An unknown object-valued field is reported once, by its own path", Codec.Format.JSON,
                        DEPLOYMENT.replace("\"replicas\":3", "\"replicas\":3,\"extra\":{\"a\":[1,{\"b\":2}]}"),
                        List.of("unknown field \"spec.extra\"")),
                new Case("An unknown field in the second container names the container's index", Codec.Format.JSON,
                        DEPLOYMENT.replace("\"image\":\"busybox\"", "\"image\":\"busybox\",\"bogus\":true"),
                        List.of("unknown field \"spec.template.spec.containers[1].bogus\"")),
                new Case("Several unknown fields are all reported", Codec.Format.JSON,
                        DEPLOYMENT.replace("\"replicas\":3", "\"replicas\":3,\"foo\":1,\"bar\":[2]"),
                        List.of("unknown field \"spec.foo\"", "unknown field \"spec.bar\"")),
                new Case("A duplicate name is reported by its path", Codec.Format.JSON,
                        DEPLOYMENT.replace("\"name\":\"web\"", "\"name\":\"web\",\"name\":\"web2\""),
                        List.of("duplicate field \"metadata.name\"")),
                new Case("A duplicate inside a list item names the item", Codec.Format.JSON,
                        DEPLOYMENT.replace("\"image\":\"nginx\"", "\"image\":\"nginx\",\"image\":\"nginx:2\""),
                        List.of("duplicate field \"spec.template.spec.containers[0].image\"")),
                new Case("YAML bodies are checked the same way", Codec.Format.YAML, """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                          name: web2
                        spec:
                          replicas: 2
                          foo: bar
                        """, List.of("duplicate field \"metadata.name\"", "unknown field \"spec.foo\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void decodingReportsUnknownAndDuplicateFields(Case c) {
        Decoded<Deployment> decoded = CODEC.decode(bytes(c.body()), c.format(), Deployment.class);

        assertThat(decoded.problems()).extracting(FieldProblem::message).isEqualTo(c.problems());
        assertThat(decoded.value().getAdditionalProperties()).isEmpty();
        assertThat(decoded.value().getSpec().getAdditionalProperties()).as("unknown fields are dropped").isEmpty();
    }

    @Test
    void aDecodedDeploymentKeepsItsValuesAndTheLastOfADuplicate() {
        Deployment d = CODEC.decode(bytes(DEPLOYMENT.replace("\"name\":\"web\"", "\"name\":\"web\",\"name\":\"web2\"")),
                Codec.Format.JSON, Deployment.class).value();

        assertThat(d.getMetadata().getName()).isEqualTo("web2");
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getStrVal()).isEqualTo("25%");
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers()).hasSize(2);
    }

    @Test
    void theStrictErrorReadsAsKubeApiServersMessage() {
        Decoded<Deployment> decoded = CODEC.decode(bytes(DEPLOYMENT
                .replace("\"name\":\"web\"", "\"name\":\"web\",\"name\":\"web2\"")
                .replace("\"replicas\":3", "\"replicas\":3,\"foo\":1")), Codec.Format.JSON, Deployment.class);

        assertThat(decoded.strictError())
                .isEqualTo("strict decoding error: duplicate field \"metadata.name\", unknown field \"spec.foo\"");
    }

    record Bad(String description, Codec.Format format, String body, String messagePart) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Bad> malformed() {
        return Stream.of(
                new Bad("Broken JSON is malformed", Codec.Format.JSON, "{\"kind\":", "Unexpected end-of-input"),
                new Bad("Content after the object is malformed", Codec.Format.JSON, "{\"kind\":\"Deployment\"} x", ""),
                new Bad("A string where a number belongs is malformed and names the field", Codec.Format.JSON,
                        "{\"spec\":{\"replicas\":\"three\"}}", "\"spec.replicas\""),
                new Bad("A number given as a string is not coerced, as Go does not coerce it", Codec.Format.JSON,
                        "{\"spec\":{\"replicas\":\"3\"}}", "\"spec.replicas\""),
                new Bad("An empty body is malformed", Codec.Format.JSON, "", ""),
                new Bad("Broken YAML is malformed", Codec.Format.YAML, "a: [b", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedBodiesAreRefused(Bad b) {
        assertThatThrownBy(() -> CODEC.decode(bytes(b.body()), b.format(), Deployment.class))
                .isInstanceOf(MalformedBodyException.class)
                .hasMessageContaining(b.messagePart());
    }

    @Test
    void encodingOmitsNullsAndSortsMapKeysAsGoDoes() {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("c").addToLabels("b", "2").addToLabels("a", "1")
                .endMetadata().addToData("z", "26").addToData("y", "25").build();

        String json = new String(CODEC.toJson(cm), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"},\"name\":\"c\"},\"data\":{\"y\":\"25\",\"z\":\"26\"}}");
        assertThat(CODEC.toYaml(cm)).startsWith("apiVersion: v1\nkind: ConfigMap\n");
    }

    @Test
    void treesReadFromBodiesReportDuplicatesAndConvertToTypedObjects() {
        Decoded<JsonNode> tree = CODEC.readTree(bytes("{\"kind\":\"ConfigMap\",\"data\":{\"a\":\"1\",\"a\":\"2\"},\"nope\":0}"),
                Codec.Format.JSON);
        assertThat(tree.problems()).extracting(FieldProblem::message).containsExactly("duplicate field \"data.a\"");

        Decoded<ConfigMap> cm = CODEC.convert(tree.value(), ConfigMap.class);
        assertThat(cm.value().getData()).isEqualTo(Map.of("a", "2"));
        assertThat(cm.problems()).extracting(FieldProblem::message).containsExactly("unknown field \"nope\"");
    }

    record ContentType(String contentType, Optional<Codec.Format> format) {
        @Override
        public String toString() {
            return contentType;
        }
    }

    static Stream<ContentType> contentTypes() {
        return Stream.of(
                new ContentType("application/json", Optional.of(Codec.Format.JSON)),
                new ContentType("application/json; charset=utf-8", Optional.of(Codec.Format.JSON)),
                new ContentType("application/merge-patch+json", Optional.of(Codec.Format.JSON)),
                new ContentType("application/yaml", Optional.of(Codec.Format.YAML)),
                new ContentType("application/apply-patch+yaml", Optional.of(Codec.Format.YAML)),
                new ContentType("application/vnd.kubernetes.protobuf", Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contentTypes")
    void contentTypesNameTheirFormat(ContentType c) {
        assertThat(Codec.Format.ofContentType(c.contentType())).isEqualTo(c.format());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
