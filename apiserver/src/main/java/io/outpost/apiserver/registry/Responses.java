package io.outpost.apiserver.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.outpost.api.Codec;
import io.outpost.api.MalformedBodyException;
import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.protobuf.BodyFormat;
import io.outpost.apiserver.protobuf.ProtobufBodies;
import io.outpost.apiserver.protobuf.UnreadableBodyException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Bodies in (JSON, YAML or protobuf) and JSON out of the verbs. Stateless. */
final class Responses {

    static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Codec CODEC = new Codec();

    private Responses() {
    }

    static ApiResponse.Full object(int code, ObjectNode object, ResourceType type) {
        return json(code, ObjectMeta.withTypeMeta(object, type));
    }

    static ApiResponse.Full json(int code, ObjectNode body) {
        return ApiResponse.json(code, JSON.writeValueAsBytes(body));
    }

    /** {@code Status} Success, as kube answers a delete that removed the object. */
    static ObjectNode success(ResourceType type, String name, String uid) {
        ObjectNode status = JSON.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Success");
        ObjectNode details = status.putObject("details");
        details.put("name", name);
        if (!type.kind().group().isEmpty()) {
            details.put("group", type.kind().group());
        }
        details.put("kind", type.plural());
        if (uid != null) {
            details.put("uid", uid);
        }
        return status;
    }

    /** The answer with kube's {@code Warning: 299 - "..."} header, one warning per list element. */
    static ApiResponse.Full withWarnings(ApiResponse.Full response, List<String> warnings) {
        if (warnings.isEmpty()) {
            return response;
        }
        String header = warnings.stream().map(w -> "299 - " + JSON.writeValueAsString(w)).collect(Collectors.joining(", "));
        Map<String, String> headers = new HashMap<>(response.headers());
        headers.put("Warning", header);
        return new ApiResponse.Full(response.status(), response.contentType(), headers, response.body());
    }

    /**
     * The request body as an object, read by its Content-Type: JSON, YAML, or Kubernetes protobuf
     * (converted to the JSON kube would write); 415 for another media type, 400 if it is not an object.
     */
    static ObjectNode body(ApiRequest request) {
        byte[] body = request.body();
        return switch (format(request)) {
            case JSON -> body(body);
            case PROTOBUF -> protobuf(body).object();
            case YAML -> {
                try {
                    if (body.length > 0 && CODEC.readTree(body, Codec.Format.YAML).value() instanceof ObjectNode object) {
                        yield object;
                    }
                } catch (MalformedBodyException e) {
                    throw ApiException.badRequest("the request body is not valid YAML: " + e.getMessage());
                }
                throw ApiException.badRequest("the request body must be a YAML object");
            }
        };
    }

    /** The body or an empty object if there is none (DeleteOptions may be omitted). */
    static ObjectNode optionalBody(ApiRequest request) {
        return request.body().length == 0 ? JSON.createObjectNode() : body(request);
    }

    /** The body's format by its Content-Type (none means JSON); 415 UnsupportedMediaType for any other. */
    static BodyFormat format(ApiRequest request) {
        try {
            return BodyFormat.of(request.header("content-type"));
        } catch (UnreadableBodyException e) {
            throw ApiException.unreadable(e);
        }
    }

    /** A Kubernetes protobuf body as JSON; 400 or 415 if it cannot be read. */
    static ProtobufBodies.Decoded protobuf(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty; send the object as protobuf or JSON");
        }
        try {
            return ProtobufBodies.toJson(body);
        } catch (UnreadableBodyException e) {
            throw ApiException.unreadable(e);
        }
    }

    /** A JSON request body as an object; 400 BadRequest if it is not one. */
    static ObjectNode body(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty; send the object as JSON");
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(tree instanceof ObjectNode object)) {
            throw ApiException.badRequest("the request body must be a JSON object, not " + tree.getNodeType());
        }
        return object;
    }

    /**
     * Rejects a body of another kind than the URL's resource, as kube's decoder does
     * ({@code ConfigMap in version "v1" cannot be handled as a Pod}); fills missing type meta.
     */
    static void checkTypeMeta(ObjectNode object, ResourceType type) {
        String kind = object.path("kind").asString("");
        String apiVersion = object.path("apiVersion").asString("");
        String wantKind = type.kind().kind();
        String wantVersion = type.kind().apiVersion();
        if ((!kind.isEmpty() && !kind.equals(wantKind)) || (!apiVersion.isEmpty() && !apiVersion.equals(wantVersion))) {
            throw ApiException.badRequest((kind.isEmpty() ? wantKind : kind) + " in version \"" + (apiVersion.isEmpty() ? wantVersion : apiVersion)
                    + "\" cannot be handled as a " + wantKind + ": the body's kind and apiVersion must be "
                    + wantKind + " and " + wantVersion + " for " + ApiException.qualified(type));
        }
    }
}
