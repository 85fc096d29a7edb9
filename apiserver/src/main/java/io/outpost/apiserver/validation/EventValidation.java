package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * core/v1 Events, as kube's {@code legacyValidateEvent} (what a core/v1 request gets; the stricter
 * events.k8s.io/v1 rules are not applied to it, for old clients):
 * <ul>
 *   <li>an event without {@code eventTime} (the old style) must be in its involved object's
 *       namespace; a cluster-scoped object's events may be in "" or default;</li>
 *   <li>one with {@code eventTime} (the new style) names its {@code reportingComponent} (a
 *       qualified name), {@code reportingInstance}, {@code action} and {@code reason} within
 *       kube's length limits; a cluster-scoped object's events are in default or kube-system.</li>
 * </ul>
 * On update the involved object may not change.
 */
final class EventValidation implements KindStrategy {

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
            String controller = Trees.text(event, "reportingComponent");
            if (controller.isEmpty()) {
                errs.add(FieldError.required("reportingComponent", ""));
            }
            Names.qualifiedName(controller).forEach(m -> errs.add(FieldError.invalid("reportingComponent", controller, m)));
            required(event, "reportingInstance", REPORTING_INSTANCE_LIMIT, errs);
            required(event, "action", ACTION_LIMIT, errs);
            required(event, "reason", REASON_LIMIT, errs);
            if (Trees.text(event, "message").length() > NOTE_LIMIT) {
                errs.add(FieldError.invalid("message", "", "can have at most " + NOTE_LIMIT + " characters"));
            }
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

    @Override
    public List<FieldError> validateUpdate(ObjectNode event, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(event));
        if (!event.path("involvedObject").equals(old.path("involvedObject"))) {
            errs.add(FieldError.invalid("involvedObject", event.path("involvedObject"), "field is immutable"));
        }
        return errs;
    }
}
