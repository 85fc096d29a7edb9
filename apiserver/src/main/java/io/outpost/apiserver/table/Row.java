package io.outpost.apiserver.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The cells of one Table row, in column order, and its row conditions. A cell is a
 * {@link String}, a {@link Long} (Go's int64), a {@link Double}, a {@link Boolean} or null (a custom
 * resource's column without a value).
 */
public record Row(List<Object> cells, List<RowCondition> conditions) {

    public Row {
        cells = Collections.unmodifiableList(new ArrayList<>(cells)); // a custom column may be null (no value)
        conditions = List.copyOf(conditions);
    }

    public static Row of(Object... cells) {
        return new Row(Arrays.asList(cells), List.of());
    }

    /**
     * A {@code TableRowCondition}; kube uses only {@code Completed}, which tells clients the row
     * is for an object that finished (a Succeeded or Failed pod).
     */
    public record RowCondition(String type, String status, String reason, String message) {
        public RowCondition {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(status, "status");
        }
    }
}
