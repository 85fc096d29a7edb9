package io.outpost.apiserver.table;

import java.time.Clock;

import tools.jackson.databind.node.ObjectNode;

/**
 * The objects of one Table watch stream: each event's object becomes a one-row Table, and only
 * the first carries {@code columnDefinitions} (kube-apiserver's watch encoder sets
 * {@code NoHeaders} after the first event). ERROR events carry a Status, which is sent as is.
 *
 * <p>Thread model: one instance per watch stream, used by the single thread that writes that
 * stream's events; not safe for concurrent use.
 */
public final class TableWatch {

    private final Table.Request request;
    private final Clock clock;
    private boolean headersSent;

    public TableWatch(Table.Request request, Clock clock) {
        this.request = request;
        this.clock = clock;
    }

    /** The object for the next ADDED, MODIFIED or DELETED event. */
    public ObjectNode next(ObjectNode object) {
        ObjectNode table = Table.ofObject(request, object, !headersSent, clock);
        headersSent = true;
        return table;
    }
}
