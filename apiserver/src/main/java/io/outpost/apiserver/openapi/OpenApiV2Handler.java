package io.outpost.apiserver.openapi;

import java.util.List;
import java.util.Map;

import io.outpost.apiserver.http.ApiHandler;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Router;
import io.outpost.apiserver.http.Statuses;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves {@code /openapi/v2}: the Swagger 2.0 document with the definitions of every built-in
 * kind, as JSON or, when the Accept list names it, as gnostic's protobuf. kubectl 1.27 and 1.28
 * fetch it before every {@code apply}, {@code create -f} and {@code replace} with
 * {@code Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf} and need a valid
 * protobuf body labelled {@code application/com.github.proto-openapi.spec.v2.v1.0+protobuf}
 * (with a dot: Go's MIME parser rejects the {@code @}; a JSON body is fatal to them; wire
 * contract, {@code kubectl apply}).
 *
 * <p>Both forms are rendered once at construction. Immutable; called concurrently.
 */
public final class OpenApiV2Handler implements ApiHandler {

    public static final String PATH = "/openapi/v2";
    static final String PROTOBUF_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final byte[] json;
    private final byte[] protobuf;
    private final String jsonEtag;
    private final String protobufEtag;

    public OpenApiV2Handler() {
        ObjectNode document = OpenApiDocuments.v2();
        json = JSON.writeValueAsBytes(document);
        protobuf = GnosticV2.encode(document);
        jsonEtag = "\"" + OpenApiV3Handler.hash(json) + "\"";
        protobufEtag = "\"" + OpenApiV3Handler.hash(protobuf) + "\"";
    }

    public void mountOn(Router.Builder router) {
        router.exact(PATH, this);
    }

    @Override
    public ApiResponse handle(ApiRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Statuses.failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
        boolean proto = wantsProtobuf(request.headers().getOrDefault("accept", List.of()));
        String etag = proto ? protobufEtag : jsonEtag;
        String type = proto ? PROTOBUF_TYPE : "application/json";
        Map<String, String> headers = Map.of("ETag", etag, "Vary", "Accept");
        if (request.header("if-none-match").map(h -> h.contains(etag)).orElse(false)) {
            return new ApiResponse.Full(304, type, headers, new byte[0]);
        }
        return new ApiResponse.Full(200, type, headers, proto ? protobuf : json);
    }

    /** Either spelling of kube's protobuf media type, before any JSON in the Accept list. */
    static boolean wantsProtobuf(List<String> accept) {
        for (String header : accept) {
            for (String range : header.split(",")) {
                String media = range.split(";")[0].trim();
                if (media.startsWith("application/com.github.proto-openapi.spec.v2")) {
                    return true;
                }
                if (media.equals("application/json") || media.equals("*/*")) {
                    return false;
                }
            }
        }
        return false;
    }
}
