package io.outpost.apiserver.crd.schema;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Test trees written as YAML, as CRDs are. */
final class Yaml {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private Yaml() {
    }

    static JsonNode tree(String yaml) {
        return YAML.readTree(yaml);
    }

    static ObjectNode object(String yaml) {
        return (ObjectNode) YAML.readTree(yaml);
    }
}
