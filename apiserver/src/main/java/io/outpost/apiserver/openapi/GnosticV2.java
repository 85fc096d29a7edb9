package io.outpost.apiserver.openapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import com.google.protobuf.CodedOutputStream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes a Swagger 2.0 JSON document as gnostic's {@code openapi.v2.Document} protobuf, the form
 * kubectl 1.27 and 1.28 ask {@code /openapi/v2} for. Only what Outpost's documents use is encoded:
 * {@code swagger}, {@code info} and {@code definitions}, and in a schema {@code $ref},
 * {@code format}, {@code description}, {@code required}, {@code type}, {@code items},
 * {@code properties}, {@code additionalProperties} and the {@code x-} extensions (as YAML text;
 * JSON is YAML). Field numbers are those of gnostic's {@code openapiv2/OpenAPIv2.proto}
 * (github.com/google/gnostic); no copy of that schema is kept here.
 *
 * <p>Stateless.
 */
final class GnosticV2 {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    // message Document: string swagger = 1; Info info = 2; Definitions definitions = 9;
    private static final int DOCUMENT_SWAGGER = 1;
    private static final int DOCUMENT_INFO = 2;
    private static final int DOCUMENT_DEFINITIONS = 9;
    // message Info: string title = 1; string version = 2;
    private static final int INFO_TITLE = 1;
    private static final int INFO_VERSION = 2;
    // message Definitions / Properties: repeated NamedSchema additional_properties = 1;
    // message NamedSchema / NamedAny: string name = 1; <value> value = 2;
    private static final int NAMED_LIST = 1;
    private static final int NAMED_NAME = 1;
    private static final int NAMED_VALUE = 2;
    // message Schema
    private static final int SCHEMA_REF = 1;
    private static final int SCHEMA_FORMAT = 2;
    private static final int SCHEMA_DESCRIPTION = 4;
    private static final int SCHEMA_REQUIRED = 19;
    private static final int SCHEMA_ADDITIONAL_PROPERTIES = 21;
    private static final int SCHEMA_TYPE = 22;
    private static final int SCHEMA_ITEMS = 23;
    private static final int SCHEMA_PROPERTIES = 25;
    private static final int SCHEMA_VENDOR_EXTENSION = 31;
    // message AdditionalPropertiesItem: oneof { Schema schema = 1; bool boolean = 2; }
    private static final int ADDITIONAL_SCHEMA = 1;
    private static final int ADDITIONAL_BOOLEAN = 2;
    // message TypeItem: repeated string value = 1;  message ItemsItem: repeated Schema schema = 1;
    private static final int TYPE_VALUE = 1;
    private static final int ITEMS_SCHEMA = 1;
    // message Any: string yaml = 2;
    private static final int ANY_YAML = 2;

    private GnosticV2() {
    }

    /** The protobuf bytes of a Swagger 2.0 document. */
    static byte[] encode(JsonNode swagger) {
        return message(out -> {
            out.writeString(DOCUMENT_SWAGGER, swagger.path("swagger").asString("2.0"));
            JsonNode info = swagger.path("info");
            out.writeByteArray(DOCUMENT_INFO, message(i -> {
                i.writeString(INFO_TITLE, info.path("title").asString(""));
                i.writeString(INFO_VERSION, info.path("version").asString(""));
            }));
            JsonNode definitions = swagger.path("definitions");
            if (definitions.isObject() && !definitions.isEmpty()) {
                out.writeByteArray(DOCUMENT_DEFINITIONS, namedSchemas(definitions));
            }
        });
    }

    private static byte[] namedSchemas(JsonNode object) {
        return message(out -> {
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                out.writeByteArray(NAMED_LIST, message(named -> {
                    named.writeString(NAMED_NAME, e.getKey());
                    named.writeByteArray(NAMED_VALUE, schema(e.getValue()));
                }));
            }
        });
    }

    private static byte[] schema(JsonNode schema) {
        return message(out -> {
            string(out, SCHEMA_REF, schema.get("$ref"));
            string(out, SCHEMA_FORMAT, schema.get("format"));
            string(out, SCHEMA_DESCRIPTION, schema.get("description"));
            for (JsonNode required : schema.path("required")) {
                out.writeString(SCHEMA_REQUIRED, required.asString());
            }
            JsonNode additional = schema.get("additionalProperties");
            if (additional != null) {
                out.writeByteArray(SCHEMA_ADDITIONAL_PROPERTIES, message(a -> {
                    if (additional.isBoolean()) {
                        a.writeBool(ADDITIONAL_BOOLEAN, additional.asBoolean());
                    } else {
                        a.writeByteArray(ADDITIONAL_SCHEMA, schema(additional));
                    }
                }));
            }
            JsonNode type = schema.get("type");
            if (type != null) {
                out.writeByteArray(SCHEMA_TYPE, message(t -> t.writeString(TYPE_VALUE, type.asString())));
            }
            JsonNode items = schema.get("items");
            if (items != null) {
                out.writeByteArray(SCHEMA_ITEMS, message(i -> i.writeByteArray(ITEMS_SCHEMA, schema(items))));
            }
            JsonNode properties = schema.get("properties");
            if (properties != null && !properties.isEmpty()) {
                out.writeByteArray(SCHEMA_PROPERTIES, namedSchemas(properties));
            }
            for (Map.Entry<String, JsonNode> e : schema.properties()) {
                if (e.getKey().startsWith("x-")) {
                    out.writeByteArray(SCHEMA_VENDOR_EXTENSION, message(named -> {
                        named.writeString(NAMED_NAME, e.getKey());
                        named.writeByteArray(NAMED_VALUE, message(any ->
                                any.writeString(ANY_YAML, JSON.writeValueAsString(e.getValue()) + "\n")));
                    }));
                }
            }
        });
    }

    private static void string(CodedOutputStream out, int field, JsonNode value) throws IOException {
        if (value != null && value.isString()) {
            out.writeString(field, value.asString());
        }
    }

    @FunctionalInterface
    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Writer writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            writer.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
    }
}
