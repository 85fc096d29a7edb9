package io.outpost.apiserver.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class StructuralApplySchemaTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNode SCHEMA = JSON.readTree("""
            {"type":"object","properties":{"spec":{"type":"object","properties":{
              "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["port","protocol"],
                "items":{"type":"object","properties":{"port":{"type":"integer"},"protocol":{"type":"string","default":"TCP"},
                  "tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}}}},
              "args":{"type":"array","items":{"type":"string"}},
              "selector":{"type":"object","x-kubernetes-map-type":"atomic","additionalProperties":{"type":"string"}},
              "byName":{"type":"object","additionalProperties":{"type":"object","properties":{
                "hosts":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}}}}}}}}
            """);
    private final StructuralApplySchema schema = StructuralApplySchema.of(SCHEMA);

    @Test
    void listTypesAndMapTypesComeFromTheExtensions() {
        ListType ports = schema.list("spec.ports");
        assertThat(ports.kind()).isEqualTo(ListType.Kind.MAP);
        assertThat(ports.keys()).containsExactly("port", "protocol");
        assertThat(ports.keyDefaults().get("protocol").asString()).isEqualTo("TCP");
        assertThat(schema.list("spec.ports.tags")).isEqualTo(ListType.SET);
        assertThat(schema.list("spec.args")).as("no list type is atomic").isEqualTo(ListType.ATOMIC);
        assertThat(schema.list("spec.byName.anyKey.hosts")).as("through additionalProperties").isEqualTo(ListType.SET);
        assertThat(schema.atomicObject("spec.selector")).isTrue();
        assertThat(schema.atomicObject("spec")).isFalse();
        assertThat(schema.list("spec.unknown")).isEqualTo(ListType.ATOMIC);
    }

    @Test
    void aCustomResourceMergesByItsSchema() {
        FieldManager manager = new FieldManager(Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC));
        FieldManager.Scope scope = new FieldManager.Scope(schema, "example.com/v1", "Widget", null, true);
        ObjectNode live = manager.apply(scope, null, (ObjectNode) JSON.readTree("""
                {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
                 "spec":{"ports":[{"port":80}],"selector":{"a":"1","b":"2"}}}"""), "one", false);
        ObjectNode result = manager.apply(scope, live, (ObjectNode) JSON.readTree("""
                {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
                 "spec":{"ports":[{"port":443,"protocol":"TCP"}],"selector":{"c":"3"}}}"""), "two", true);
        assertThat(result.path("spec").path("ports").findValuesAsString("port")).as("a map list merges by key").containsExactly("80", "443");
        assertThat(result.path("spec").path("selector").toString()).as("an atomic map is replaced").isEqualTo("{\"c\":\"3\"}");
        JsonNode one = result.path("metadata").path("managedFields").get(0);
        JsonNode two = result.path("metadata").path("managedFields").get(1);
        assertThat(List.of(one.path("manager").asString(), two.path("manager").asString())).containsExactly("one", "two");
        assertThat(one.path("fieldsV1").path("f:spec").path("f:ports").has("k:{\"port\":80,\"protocol\":\"TCP\"}"))
                .as("the defaulted key names the element").isTrue();
        assertThat(one.path("fieldsV1").path("f:spec").has("f:selector")).as("the forced apply took the atomic map").isFalse();
        assertThat(two.path("fieldsV1").path("f:spec").path("f:selector").toString()).isEqualTo("{}");
    }
}
