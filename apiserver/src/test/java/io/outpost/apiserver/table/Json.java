package io.outpost.apiserver.table;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Test objects written as JSON, with single quotes for readability. */
final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    static ObjectNode object(String json) {
        return (ObjectNode) MAPPER.readTree(json.replace('\'', '"'));
    }
}
