package io.outpost.apiserver.table;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.outpost.api.GroupVersionKind;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds {@code meta.k8s.io} Tables as kube-apiserver sends them:
 * {@code {"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{...},"columnDefinitions":[...],
 * "rows":[{"cells":[...],"object":{...}}]}}. Every row of one table is aged against one reading
 * of the clock. {@code columnDefinitions} is null when headers are left out (watch events after
 * the first, as kube's {@code NoHeaders}); {@code rows} is always an array.
 *
 * <p>Thread model: pure functions of their arguments (the clock is read once per call).
 */
public final class Table {

    /**
     * What one Table request asks for: the kind of the objects (which picks the printer and is
     * the {@code kind}/{@code apiVersion} of an included object), the Table's version
     * ({@code v1} or {@code v1beta1}) and what each row carries.
     */
    public record Request(GroupVersionKind kind, String version, IncludeObject include, TableConvertor convertor) {
        public Request {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(include, "include");
            Objects.requireNonNull(convertor, "convertor");
            if (!version.equals("v1") && !version.equals("v1beta1")) {
                throw new IllegalArgumentException("Table versions are v1 and v1beta1, not " + version);
            }
        }

        /** A request for a built-in kind: its printer from {@link Tables}. */
        public Request(GroupVersionKind kind, String version, IncludeObject include) {
            this(kind, version, include, Tables.forKind(kind));
        }

        /** The Table request an {@link OutputFormat} of kind TABLE stands for. */
        public static Request of(GroupVersionKind kind, OutputFormat format, IncludeObject include) {
            return of(kind, format, include, Tables.forKind(kind));
        }

        /** The same with the kind's printer given (a custom resource's printer columns). */
        public static Request of(GroupVersionKind kind, OutputFormat format, IncludeObject include, TableConvertor convertor) {
            if (format.kind() != OutputFormat.Kind.TABLE) {
                throw new IllegalArgumentException("not a Table format: " + format);
            }
            return new Request(kind, format.version(), include, convertor);
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Table() {
    }

    /** The Table for a list (or a page of one), with headers. */
    public static ObjectNode of(Request request, List<ObjectNode> items, ListMeta meta, Clock clock) {
        return build(request, items, meta.toJson(), true, clock.instant());
    }

    /**
     * The Table for one object: a GET, or the object of one watch event. Its
     * {@code metadata.resourceVersion} is the object's, as kube sets it. Status objects (a watch
     * ERROR event) are not converted: send them as they are.
     */
    public static ObjectNode ofObject(Request request, ObjectNode object, boolean headers, Clock clock) {
        ObjectNode meta = NODES.objectNode();
        String resourceVersion = Fields.text(object, "metadata", "resourceVersion");
        if (!resourceVersion.isEmpty()) {
            meta.put("resourceVersion", resourceVersion);
        }
        return build(request, List.of(object), meta, headers, clock.instant());
    }

    private static ObjectNode build(Request request, List<ObjectNode> items, ObjectNode meta, boolean headers,
            Instant now) {
        TableConvertor convertor = request.convertor();
        ObjectNode table = NODES.objectNode();
        table.put("kind", "Table");
        table.put("apiVersion", OutputFormat.GROUP + "/" + request.version());
        table.set("metadata", meta);
        if (headers) {
            ArrayNode columns = table.putArray("columnDefinitions");
            for (Column c : convertor.columns()) {
                columns.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
                        .put("description", c.description()).put("priority", c.priority());
            }
        } else {
            table.putNull("columnDefinitions");
        }
        ArrayNode rows = table.putArray("rows");
        for (ObjectNode item : items) {
            rows.add(row(request, convertor.row(item, now), item));
        }
        return table;
    }

    private static ObjectNode row(Request request, Row row, ObjectNode item) {
        ObjectNode out = NODES.objectNode();
        ArrayNode cells = out.putArray("cells");
        for (Object cell : row.cells()) {
            switch (cell) {
                case null -> cells.addNull();
                case String s -> cells.add(s);
                case Double d -> cells.add(d);
                case Long l -> cells.add(l);
                case Boolean b -> cells.add(b);
                default -> throw new IllegalStateException("a cell is a String, Long, Double, Boolean or null, not " + cell.getClass());
            }
        }
        if (!row.conditions().isEmpty()) {
            ArrayNode conditions = out.putArray("conditions");
            for (Row.RowCondition c : row.conditions()) {
                ObjectNode json = conditions.addObject().put("type", c.type()).put("status", c.status());
                if (c.reason() != null) {
                    json.put("reason", c.reason());
                }
                if (c.message() != null) {
                    json.put("message", c.message());
                }
            }
        }
        switch (request.include()) {
            case NONE -> out.putNull("object");
            case METADATA -> out.set("object", PartialObjectMetadata.of(item, request.version()));
            case OBJECT -> out.set("object", withType(item, request.kind()));
        }
        return out;
    }

    /** A copy of the object with its {@code kind} and {@code apiVersion} (list items may lack them). */
    static ObjectNode withType(ObjectNode object, GroupVersionKind kind) {
        ObjectNode copy = object.deepCopy();
        JsonNode k = copy.get("kind");
        if (k == null || !k.isString() || k.stringValue().isEmpty()) {
            copy.put("kind", kind.kind());
        }
        JsonNode v = copy.get("apiVersion");
        if (v == null || !v.isString() || v.stringValue().isEmpty()) {
            copy.put("apiVersion", kind.apiVersion());
        }
        return copy;
    }
}
