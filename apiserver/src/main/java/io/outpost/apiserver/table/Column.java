package io.outpost.apiserver.table;

import java.util.Objects;

/**
 * One {@code columnDefinitions} entry of a {@code meta.k8s.io} Table. {@code type} is an OpenAPI
 * type ("string", "integer", "boolean", "date"); {@code format} is "name" for the column that
 * names the object and empty otherwise; {@code priority} 0 columns are always printed, 1 only
 * with {@code kubectl get -o wide}.
 */
public record Column(String name, String type, String format, String description, int priority) {

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(description, "description");
    }

    /** The object's name column every printer starts with. */
    static final Column NAME = new Column("Name", "string", "name", Descriptions.NAME, 0);
    /** The AGE column, printed as a {@link HumanDuration} since creation. */
    static final Column AGE = new Column("Age", "string", "", Descriptions.CREATION_TIMESTAMP, 0);

    static Column string(String name, String description) {
        return new Column(name, "string", "", description, 0);
    }

    static Column integer(String name, String description) {
        return new Column(name, "integer", "", description, 0);
    }

    static Column wide(String name, String description) {
        return new Column(name, "string", "", description, 1);
    }
}
