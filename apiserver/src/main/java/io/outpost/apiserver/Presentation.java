package io.outpost.apiserver;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import io.outpost.api.ResourceType;
import io.outpost.apiserver.http.ApiRequest;
import io.outpost.apiserver.http.ApiResponse;
import io.outpost.apiserver.http.Statuses;
import io.outpost.apiserver.table.IncludeObject;
import io.outpost.apiserver.table.ListMeta;
import io.outpost.apiserver.table.OutputFormat;
import io.outpost.apiserver.table.PartialObjectMetadata;
import io.outpost.apiserver.table.Table;
import io.outpost.apiserver.table.TableConvertor;
import io.outpost.apiserver.table.TableWatch;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns what the registry answers for get, list and watch into what the client's Accept header
 * asked for: the object or list as stored, a {@code meta.k8s.io} Table (what {@code kubectl get}
 * prints), or PartialObjectMetadata. kube-apiserver does this in its handlers
 * ({@code transformResponseObject}), outside storage; so do we. Errors pass through unchanged.
 *
 * <p>A watch is converted event by event: the registry writes one event per chunk. Only the first
 * Table event carries column definitions, as kube's watch encoder does.
 *
 * <p>Thread model: stateless; a watch's converter lives on that watch's own thread.
 */
final class Presentation {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Clock clock;

    Presentation(Clock clock) {
        this.clock = clock;
    }

    ApiResponse present(ApiRequest request, ResourceType type, TableConvertor convertor, boolean list, ApiResponse response) {
        if (response.status() != 200) {
            return response;
        }
        List<String> accept = request.headers().getOrDefault("accept", List.of());
        Optional<OutputFormat> negotiated = OutputFormat.negotiate(accept);
        if (negotiated.isEmpty()) {
            return Statuses.failure(406, "NotAcceptable", "only the following media types are accepted: application/json, "
                    + "application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io");
        }
        OutputFormat format = negotiated.get();
        if (format.kind() == OutputFormat.Kind.JSON) {
            return response;
        }
        boolean watch = response instanceof ApiResponse.Streaming;
        if (!format.fits(list && !watch)) {
            return Statuses.failure(406, "NotAcceptable", "the media type " + format.contentType() + " does not fit this request");
        }
        Optional<IncludeObject> include = IncludeObject.parse(request.param("includeObject").orElse(""));
        if (include.isEmpty()) {
            return Statuses.failure(400, "BadRequest", "unrecognized includeObject value: \"" + request.param("includeObject").orElse("") + "\"");
        }
        Table.Request table = Table.Request.of(type.kind(), format, include.get(), convertor);
        return switch (response) {
            case ApiResponse.Full full -> new ApiResponse.Full(200, format.contentType(), full.headers(),
                    JSON.writeValueAsBytes(convert(format, table, (ObjectNode) JSON.readTree(full.body()), list)));
            case ApiResponse.Streaming stream -> new ApiResponse.Streaming(200, format.contentType(), stream.headers(),
                    sink -> stream.body().writeTo(new Converting(sink, format, table)));
            case ApiResponse.Duplex duplex -> duplex;
        };
    }

    private ObjectNode convert(OutputFormat format, Table.Request table, ObjectNode body, boolean list) {
        if (!list) {
            return format.kind() == OutputFormat.Kind.TABLE ? Table.ofObject(table, body, true, clock)
                    : PartialObjectMetadata.of(body, format.version());
        }
        List<ObjectNode> items = new ArrayList<>();
        body.path("items").forEach(item -> items.add((ObjectNode) item));
        JsonNode meta = body.path("metadata");
        OptionalLong remaining = meta.has("remainingItemCount") ? OptionalLong.of(meta.get("remainingItemCount").asLong())
                : OptionalLong.empty();
        ListMeta listMeta = new ListMeta(meta.path("resourceVersion").asString(""), meta.path("continue").asString(""), remaining);
        return format.kind() == OutputFormat.Kind.TABLE ? Table.of(table, items, listMeta, clock)
                : PartialObjectMetadata.list(items, listMeta, format.version());
    }

    /** Rewrites each watch event's object; ERROR and BOOKMARK events pass as they are. */
    private final class Converting implements ApiResponse.StreamSink {
        private final ApiResponse.StreamSink sink;
        private final OutputFormat format;
        private final TableWatch tables;

        Converting(ApiResponse.StreamSink sink, OutputFormat format, Table.Request table) {
            this.sink = sink;
            this.format = format;
            this.tables = new TableWatch(table, clock);
        }

        @Override
        public void write(byte[] chunk) throws IOException, InterruptedException {
            ObjectNode event = (ObjectNode) JSON.readTree(chunk);
            String type = event.path("type").asString("");
            if (!type.equals("ERROR") && !type.equals("BOOKMARK") && event.get("object") instanceof ObjectNode object) {
                event.set("object", format.kind() == OutputFormat.Kind.TABLE ? tables.next(object)
                        : PartialObjectMetadata.of(object, format.version()));
            }
            byte[] line = JSON.writeValueAsBytes(event);
            byte[] out = Arrays.copyOf(line, line.length + 1);
            out[line.length] = '\n';
            sink.write(out);
        }

        @Override
        public boolean isOpen() {
            return sink.isOpen();
        }
    }
}
