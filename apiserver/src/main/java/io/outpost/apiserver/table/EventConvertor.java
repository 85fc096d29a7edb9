package io.outpost.apiserver.table;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Events as {@code kubectl get events} shows them (kubernetes {@code printEvent}, wide form, which
 * the server always generates): LAST SEEN falls back to the first timestamp, then to
 * {@code eventTime}, and a series' last observation wins; OBJECT is {@code kind/name} in lower
 * case; COUNT is 1 for a singleton event of the new API.
 *
 * <p>kube converts {@code events.k8s.io/v1} Events to the core type before printing; this
 * convertor reads either spelling ({@code regarding}/{@code involvedObject}, {@code note}/
 * {@code message}, {@code deprecatedCount}/{@code count}, ...). Thread model: stateless.
 */
final class EventConvertor implements TableConvertor {

    private static final List<Column> COLUMNS = List.of(
            Column.string("Last Seen", Descriptions.EVENT_LAST_TIMESTAMP),
            Column.string("Type", Descriptions.EVENT_TYPE),
            Column.string("Reason", Descriptions.EVENT_REASON),
            Column.string("Object", Descriptions.EVENT_OBJECT),
            Column.wide("Subobject", Descriptions.EVENT_FIELD_PATH),
            Column.wide("Source", Descriptions.EVENT_SOURCE),
            Column.string("Message", Descriptions.EVENT_MESSAGE),
            Column.wide("First Seen", Descriptions.EVENT_FIRST_TIMESTAMP),
            Column.wide("Count", Descriptions.EVENT_COUNT),
            new Column("Name", "string", "name", Descriptions.NAME, 1));

    private final boolean eventsApi;

    /** @param eventsApi whether objects are {@code events.k8s.io} Events rather than core ones */
    EventConvertor(boolean eventsApi) {
        this.eventsApi = eventsApi;
    }

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public Row row(ObjectNode event, Instant now) {
        Optional<Instant> firstTime = Fields.time(event, pick("firstTimestamp", "deprecatedFirstTimestamp"));
        String first = firstTime.isPresent()
                ? Fields.since(firstTime, now)
                : Fields.since(Fields.time(event, "eventTime"), now);
        Optional<Instant> lastTime = Fields.time(event, pick("lastTimestamp", "deprecatedLastTimestamp"));
        String last = lastTime.isPresent() ? Fields.since(lastTime, now) : first;
        long count = Fields.integer(event, pick("count", "deprecatedCount"));
        if (Fields.present(event, "series")) {
            last = Fields.since(Fields.time(event, "series", "lastObservedTime"), now);
            count = Fields.integer(event, "series", "count");
        } else if (count == 0) {
            count = 1;
        }
        JsonNode involved = event.path(pick("involvedObject", "regarding"));
        String kind = Fields.text(involved, "kind").toLowerCase(Locale.ROOT);
        String name = Fields.text(involved, "name");
        String target = name.isEmpty() ? kind : kind + "/" + name;
        return Row.of(last, Fields.text(event, "type"), Fields.text(event, "reason"), target,
                Fields.text(involved, "fieldPath"), source(event), Fields.text(event, pick("message", "note")).strip(),
                first, count, Fields.name(event));
    }

    /** kube's {@code formatEventSource}: "component, host", each falling back to the reporting fields. */
    private String source(JsonNode event) {
        JsonNode source = event.path(pick("source", "deprecatedSource"));
        String component = firstNonEmpty(Fields.text(source, "component"), Fields.text(event, pick("reportingComponent", "reportingController")));
        String instance = firstNonEmpty(Fields.text(source, "host"), Fields.text(event, "reportingInstance"));
        return instance.isEmpty() ? component : component + ", " + instance;
    }

    private String pick(String core, String events) {
        return eventsApi ? events : core;
    }

    private static String firstNonEmpty(String a, String b) {
        return a.isEmpty() ? b : a;
    }
}
