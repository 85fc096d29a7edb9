package io.outpost.apiserver.table;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Table of a custom resource (kube's apiextensions {@code tableconvertor}): NAME, then the
 * CRD version's {@code additionalPrinterColumns}, each cell the first value its JSON path finds,
 * typed by the column's type (a value of another type is an empty cell). A version without
 * columns gets kube's default, {@code Age} of type {@code date} from
 * {@code .metadata.creationTimestamp}; kubectl prints date cells as ages.
 *
 * <p>Immutable; shared by every request of the resource.
 */
public final class CustomColumnsConvertor implements TableConvertor {

    /** One {@code additionalPrinterColumns} entry, its path already parsed. */
    public record Definition(String name, String type, String format, String description, int priority, String jsonPath,
                             SimpleJsonPath path) {
    }

    private final List<Column> columns;
    private final List<Definition> definitions;

    public CustomColumnsConvertor(List<Definition> definitions) {
        List<Definition> defs = definitions.isEmpty()
                ? List.of(new Definition("Age", "date", "", Descriptions.CREATION_TIMESTAMP, 0,
                        ".metadata.creationTimestamp", SimpleJsonPath.parse(".metadata.creationTimestamp", new StringBuilder()).orElseThrow()))
                : definitions;
        List<Column> cols = new ArrayList<>();
        cols.add(Column.NAME);
        for (Definition d : defs) {
            String description = d.description() == null || d.description().isEmpty()
                    ? "Custom resource definition column (in JSONPath format): " + d.jsonPath() : d.description();
            cols.add(new Column(d.name(), d.type(), d.format() == null ? "" : d.format(), description, d.priority()));
        }
        this.columns = List.copyOf(cols);
        this.definitions = List.copyOf(defs);
    }

    @Override
    public List<Column> columns() {
        return columns;
    }

    @Override
    public Row row(ObjectNode object, Instant now) {
        List<Object> cells = new ArrayList<>();
        cells.add(Fields.name(object));
        for (Definition d : definitions) {
            List<JsonNode> found = d.path().find(object);
            cells.add(found.isEmpty() ? null : cell(d.type(), found.getFirst()));
        }
        return new Row(cells, List.of());
    }

    /** kube's {@code cellForJSONValue}, and for strings the jsonpath printer's text. */
    static Object cell(String type, JsonNode value) {
        return switch (type) {
            case "integer" -> value.isIntegralNumber() ? (Object) value.asLong()
                    : value.isNumber() && value.asDouble() == Math.rint(value.asDouble()) ? (Object) (long) value.asDouble() : null;
            case "number" -> value.isNumber() ? (Object) value.asDouble() : null;
            case "boolean" -> value.isBoolean() ? (Object) value.asBoolean() : null;
            case "date" -> value.isString() && parses(value.asString()) ? value.asString() : null;
            default -> value.isString() ? value.asString() : value.isNull() ? null : value.toString();
        };
    }

    private static boolean parses(String time) {
        try {
            Instant.parse(time);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
