package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Events, as kube's {@code pkg/apis/core/validation/events.go}. Every event passes
 * {@code legacyValidateEvent}, whichever API wrote it (a core/v1 request gets only that, for old
 * clients):
 * <ul>
 *   <li>an event without {@code eventTime} (the old style) must be in its involved object's
 *       namespace; a cluster-scoped object's events may be in "" or default;</li>
 *   <li>one with {@code eventTime} (the new style) names its {@code reportingComponent} (a
 *       qualified name), {@code reportingInstance}, {@code action} and {@code reason} within
 *       kube's length limits; a cluster-scoped object's events are in default or kube-system.</li>
 * </ul>
 *
 * <p>A request through events.k8s.io/v1 also gets kube's strict rules, {@link #strict} and
 * {@link #strictUpdate}. Both schemas are one storage, so these run on the core form and name
 * fields as kube's internal type does ({@code involvedObject}, {@code reportingController},
 * {@code firstTimestamp}), whichever schema the request used: kube validates its internal object.
 */
public final class EventValidation implements KindStrategy {

    private static final int REPORTING_INSTANCE_LIMIT = 128;
    private static final int ACTION_LIMIT = 128;
    private static final int REASON_LIMIT = 128;
    private static final int NOTE_LIMIT = 1024;

    @Override
    public List<FieldError> validate(ObjectNode event) {
        List<FieldError> errs = new ArrayList<>();
        String namespace = Trees.text(event.path("metadata"), "namespace");
        String involved = Trees.text(event.path("involvedObject"), "namespace");
        if (Trees.text(event, "eventTime").isEmpty()) {
            boolean ok = involved.isEmpty() ? namespace.isEmpty() || namespace.equals("default") : namespace.equals(involved);
            if (!ok) {
                errs.add(FieldError.invalid("involvedObject.namespace", involved, "does not match event.namespace"));
            }
        } else {
            if (involved.isEmpty() && !namespace.equals("default") && !namespace.equals("kube-system")) {
                errs.add(FieldError.invalid("involvedObject.namespace", involved, "does not match event.namespace"));
            }
            // kube's field path is the internal name, reportingController, for a core/v1 request too
            String controller = Trees.text(event, "reportingComponent");
            if (controller.isEmpty()) {
                errs.add(FieldError.required("reportingController", ""));
            }
            Names.qualifiedName(controller).forEach(m -> errs.add(FieldError.invalid("reportingController", controller, m)));
            required(event, "reportingInstance", REPORTING_INSTANCE_LIMIT, errs);
            required(event, "action", ACTION_LIMIT, errs);
            required(event, "reason", REASON_LIMIT, errs);
            if (Trees.text(event, "message").length() > NOTE_LIMIT) {
                errs.add(FieldError.invalid("message", "", "can have at most " + NOTE_LIMIT + " characters"));
            }
        }
        return errs;
    }

    /**
     * What kube's {@code ValidateEventCreate} adds for an events.k8s.io/v1 request, on the core form
     * of the event: an eventTime, a type of Normal or Warning, a valid series, and none of the
     * deprecated fields (firstTimestamp, lastTimestamp, count, source) that only the old API writes.
     * The legacy rules run with the storage's own validation.
     */
    public static List<FieldError> strict(ObjectNode event) {
        List<FieldError> errs = new ArrayList<>(series(event));
        if (Trees.text(event, "eventTime").isEmpty()) {
            errs.add(FieldError.required("eventTime", ""));
        }
        String type = Trees.text(event, "type");
        if (!type.equals("Normal") && !type.equals("Warning")) {
            errs.add(FieldError.invalid("type", "", "has invalid value: " + type));
        }
        for (String field : new String[] {"firstTimestamp", "lastTimestamp"}) {
            if (!Trees.text(event, field).isEmpty()) {
                errs.add(FieldError.invalid(field, "", "needs to be unset"));
            }
        }
        if (event.path("count").asLong(0) != 0) {
            errs.add(FieldError.invalid("count", "", "needs to be unset"));
        }
        if (!Trees.text(event.path("source"), "component").isEmpty() || !Trees.text(event.path("source"), "host").isEmpty()) {
            errs.add(FieldError.invalid("source", "", "needs to be unset"));
        }
        return errs;
    }

    /**
     * kube's {@code ValidateEventUpdate} for an events.k8s.io/v1 request: a changed series must be
     * valid, and everything an event says (what, about which object, by whom, when) is immutable;
     * only the series and metadata may change. Core field names, as {@link #strict}.
     */
    public static List<FieldError> strictUpdate(ObjectNode event, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>();
        if (!event.path("series").equals(old.path("series"))) {
            errs.addAll(series(event));
        }
        for (String field : new String[] {"involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp",
                "count", "type", "eventTime", "action", "related", "reportingComponent", "reportingInstance"}) {
            if (!same(event.path(field), old.path(field))) {
                String path = field.equals("reportingComponent") ? "reportingController" : field;
                errs.add(FieldError.invalid(path, event.path(field), "field is immutable"));
            }
        }
        return errs;
    }

    /**
     * Equal as Go values: kube compares typed fields, where an absent field, null, "", 0 and an
     * empty struct are all the zero value (a v1 client sends {@code deprecatedSource: {}} and
     * {@code deprecatedFirstTimestamp: null} for fields it never set).
     */
    private static boolean same(JsonNode a, JsonNode b) {
        return zero(a) ? zero(b) : a.equals(b);
    }

    private static boolean zero(JsonNode v) {
        if (v.isMissingNode() || v.isNull()) {
            return true;
        }
        if (v.isString()) {
            return v.stringValue().isEmpty();
        }
        if (v.isNumber()) {
            return v.asLong() == 0;
        }
        if (v.isObject()) {
            for (var e : v.properties()) {
                if (!zero(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static List<FieldError> series(JsonNode event) {
        JsonNode series = event.path("series");
        if (!series.isObject()) {
            return List.of();
        }
        List<FieldError> errs = new ArrayList<>();
        if (series.path("count").asLong(0) < 2) {
            errs.add(FieldError.invalid("series.count", "", "should be at least 2"));
        }
        if (Trees.text(series, "lastObservedTime").isEmpty()) {
            errs.add(FieldError.required("series.lastObservedTime", ""));
        }
        return errs;
    }

    private static void required(JsonNode event, String field, int limit, List<FieldError> errs) {
        String value = Trees.text(event, field);
        if (value.isEmpty()) {
            errs.add(FieldError.required(field, ""));
        } else if (value.length() > limit) {
            // kube reports the bad value as "" here, to keep long texts out of the error
            errs.add(FieldError.invalid(field, "", "can have at most " + limit + " characters"));
        }
    }

    /**
     * A core/v1 update passes the legacy rules only: kube's {@code ValidateEventUpdate} returns
     * before any immutability check for a core/v1 request (old recorders rewrite events freely).
     */
    @Override
    public List<FieldError> validateUpdate(ObjectNode event, ObjectNode old) {
        return validate(event);
    }
}
