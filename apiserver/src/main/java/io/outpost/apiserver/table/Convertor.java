package io.outpost.apiserver.table;

import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

import tools.jackson.databind.node.ObjectNode;

/**
 * A convertor from its columns and a function of the object to its cells, for the kinds whose
 * printer is a few field reads.
 *
 * <p>Thread model: immutable; {@code cells} must be a pure function.
 */
record Convertor(List<Column> columns, BiFunction<ObjectNode, Instant, List<Object>> cells)
        implements TableConvertor {

    Convertor {
        columns = List.copyOf(columns);
    }

    @Override
    public Row row(ObjectNode object, Instant now) {
        return new Row(cells.apply(object, now), List.of());
    }
}
