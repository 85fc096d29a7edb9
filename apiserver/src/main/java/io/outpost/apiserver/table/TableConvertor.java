package io.outpost.apiserver.table;

import java.time.Instant;
import java.util.List;

import tools.jackson.databind.node.ObjectNode;

/**
 * The columns kube-apiserver prints for one kind, and the row for one object of it (kubernetes
 * {@code pkg/printers/internalversion}). The server always generates the wide columns
 * ({@code priority} 1) too: kubectl hides them unless {@code -o wide}.
 *
 * <p>Thread model: implementations are stateless; {@code now} comes from the caller's clock so
 * that every row of one response is aged against the same instant.
 */
public interface TableConvertor {

    List<Column> columns();

    /** The row for an object of this kind as stored (defaulted, versioned JSON). */
    Row row(ObjectNode object, Instant now);
}
