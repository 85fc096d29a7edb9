package io.outpost.apiserver.conversion;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.outpost.apiserver.validation.EventValidation;
import io.outpost.apiserver.validation.FieldError;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * events.k8s.io/v1 Events as the core/v1 Events they are stored as, both ways, as kube's
 * {@code pkg/apis/events/v1/conversion.go} (through the internal type, which is core's): the
 * fields are the same but for their names, {@code regarding}/{@code involvedObject},
 * {@code note}/{@code message}, {@code deprecatedSource}/{@code source},
 * {@code reportingController}/{@code reportingComponent} and the {@code deprecated*} timestamps
 * and count; {@code eventTime}, {@code series}, {@code related}, {@code action}, {@code reason},
 * {@code type} and {@code reportingInstance} keep theirs.
 *
 * <p>Field selectors: kube's {@code AddFieldLabelConversionsForEvent} ({@code regarding.*},
 * {@code reason}, {@code type}, {@code reportingController}, {@code metadata.name},
 * {@code metadata.namespace}). Validation: kube's strict events.k8s.io rules
 * ({@link EventValidation#strict}).
 *
 * <p>Stored events whose {@code eventTime} or {@code series.lastObservedTime} is not
 * RFC 3339 with six fraction digits (agents before this version wrote nanoseconds, which no Go
 * client can decode: {@code kubectl describe} showed no events, {@code kubectl events} failed)
 * are rewritten with microseconds ({@link #upgradeStored}).
 *
 * <p>Stateless and thread-safe.
 */
public final class EventsV1Conversion implements StorageConversion {

    /** events.k8s.io/v1 name to core/v1 name, for the fields whose names differ. */
    private static final Map<String, String> TO_CORE = Map.of(
            "regarding", "involvedObject",
            "note", "message",
            "deprecatedSource", "source",
            "reportingController", "reportingComponent",
            "deprecatedFirstTimestamp", "firstTimestamp",
            "deprecatedLastTimestamp", "lastTimestamp",
            "deprecatedCount", "count");
    private static final Map<String, String> FROM_CORE = invert(TO_CORE);

    private static final Map<String, String> FIELD_LABELS = Map.ofEntries(
            Map.entry("metadata.name", "metadata.name"),
            Map.entry("metadata.namespace", "metadata.namespace"),
            Map.entry("reason", "reason"),
            Map.entry("type", "type"),
            Map.entry("reportingController", "reportingComponent"),
            Map.entry("regarding.kind", "involvedObject.kind"),
            Map.entry("regarding.namespace", "involvedObject.namespace"),
            Map.entry("regarding.name", "involvedObject.name"),
            Map.entry("regarding.uid", "involvedObject.uid"),
            Map.entry("regarding.apiVersion", "involvedObject.apiVersion"),
            Map.entry("regarding.resourceVersion", "involvedObject.resourceVersion"),
            Map.entry("regarding.fieldPath", "involvedObject.fieldPath"));

    /** Go's {@code metav1.RFC3339Micro}, the only form {@code MicroTime.UnmarshalJSON} reads. */
    private static final Pattern MICRO_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}(Z|[+-]\\d{2}:\\d{2})");
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public ObjectNode toStorage(ObjectNode view) {
        return renamed(view, TO_CORE, "v1");
    }

    @Override
    public ObjectNode fromStorage(ObjectNode stored) {
        return renamed(stored, FROM_CORE, "events.k8s.io/v1");
    }

    /** The core form of an events.k8s.io/v1 Event: for writers of core Events (the tunnel's). */
    public static ObjectNode toCore(ObjectNode eventsV1) {
        return renamed(eventsV1, TO_CORE, "v1");
    }

    @Override
    public Optional<String> storageFieldLabel(String viewLabel) {
        return Optional.ofNullable(FIELD_LABELS.get(viewLabel));
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode stored) {
        return EventValidation.strict(stored);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode stored, ObjectNode oldStored) {
        return EventValidation.strictUpdate(stored, oldStored);
    }

    @Override
    public Optional<ObjectNode> upgradeStored(ObjectNode stored) {
        ObjectNode upgraded = stored.deepCopy();
        boolean changed = normalize(upgraded, "eventTime");
        if (upgraded.get("series") instanceof ObjectNode series) {
            changed |= normalize(series, "lastObservedTime");
        }
        return changed ? Optional.of(upgraded) : Optional.empty();
    }

    /** Whether {@code value} is a MicroTime Go clients can read. */
    public static boolean isMicroTime(String value) {
        return MICRO_TIME.matcher(value).matches();
    }

    /**
     * Rewrites {@code field} of {@code object} as RFC 3339 with microseconds if it is another
     * RFC 3339 form (nanoseconds, milliseconds, none); returns whether it changed. A value that is
     * no time at all is left for validation to refuse.
     */
    public static boolean normalize(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || !value.isString() || isMicroTime(value.stringValue())) {
            return false;
        }
        try {
            object.put(field, MICRO.format(Instant.parse(value.stringValue())));
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static ObjectNode renamed(ObjectNode from, Map<String, String> names, String apiVersion) {
        ObjectNode out = from.objectNode();
        out.put("kind", "Event");
        out.put("apiVersion", apiVersion);
        for (var e : from.properties()) {
            String name = e.getKey();
            if (!name.equals("kind") && !name.equals("apiVersion")) {
                out.set(names.getOrDefault(name, name), e.getValue().deepCopy());
            }
        }
        return out;
    }

    private static Map<String, String> invert(Map<String, String> map) {
        Map<String, String> inverse = new java.util.HashMap<>();
        map.forEach((k, v) -> inverse.put(v, k));
        return Map.copyOf(inverse);
    }
}
