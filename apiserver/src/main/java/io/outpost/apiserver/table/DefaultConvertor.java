package io.outpost.apiserver.table;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import tools.jackson.databind.node.ObjectNode;

/**
 * The table of a kind without a printer (kube-apiserver's {@code rest.DefaultTableConvertor}):
 * NAME and CREATED AT, the creation time in RFC 3339 to the second, UTC ({@code kubectl get roles}
 * shows it). An object without a creation time prints Go's zero time, as kube does.
 *
 * <p>Thread model: stateless.
 */
final class DefaultConvertor implements TableConvertor {

    static final DefaultConvertor INSTANCE = new DefaultConvertor();

    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX")
            .withZone(ZoneOffset.UTC);
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private static final List<Column> COLUMNS = List.of(
            Column.NAME, new Column("Created At", "date", "", Descriptions.CREATION_TIMESTAMP, 0));

    private DefaultConvertor() {
    }

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public Row row(ObjectNode object, Instant now) {
        String created = Fields.time(object, "metadata", "creationTimestamp").map(RFC3339::format).orElse(ZERO_TIME);
        return Row.of(Fields.name(object), created);
    }
}
