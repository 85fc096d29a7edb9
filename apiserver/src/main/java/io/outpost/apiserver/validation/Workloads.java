package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the apps/v1 controllers' kinds share (kube's {@code ValidatePodTemplateSpecForReplicaSet}
 * and friends): a required, non-empty selector that matches the template's labels, non-negative
 * replicas, a template valid as a pod spec whose restartPolicy is Always, and an immutable selector.
 */
final class Workloads {

    private Workloads() {
    }

    /** The pod template's defaults: its spec as every pod spec. */
    static void defaultTemplate(ObjectNode spec) {
        PodSpecDefaults.apply(Trees.object(Trees.object(spec, "template"), "spec"));
    }

    /**
     * @param kind      lower case, as kube's message names it: {@code empty selector is invalid for deployment}
     * @param restartAlways whether the template must restart Always (not for Jobs)
     */
    static List<FieldError> validateSpec(JsonNode spec, String kind, boolean restartAlways) {
        List<FieldError> errs = new ArrayList<>();
        if (!Trees.absent(spec, "replicas")) {
            nonNegative(spec, "replicas", "spec.", errs);
        }
        JsonNode selector = spec.path("selector");
        JsonNode template = spec.path("template");
        if (Trees.absent(spec, "selector")) {
            errs.add(FieldError.required("spec.selector", ""));
        } else {
            errs.addAll(LabelSelectors.validate(selector, "spec.selector"));
            if (LabelSelectors.empty(selector)) {
                errs.add(FieldError.invalid("spec.selector", selector, "empty selector is invalid for " + kind));
            }
        }
        Map<String, String> labels = Trees.stringMap(template.path("metadata").path("labels"));
        if (!Trees.absent(spec, "selector") && !LabelSelectors.empty(selector) && !LabelSelectors.matches(selector, labels)) {
            errs.add(FieldError.invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`"));
        }
        errs.addAll(template(template, "spec.template.", restartAlways));
        return errs;
    }

    /** kube's {@code ValidatePodTemplateSpec}: the template's labels and annotations, and its spec. */
    static List<FieldError> template(JsonNode template, String path, boolean restartAlways) {
        List<FieldError> errs = new ArrayList<>();
        errs.addAll(MetadataValidation.labels(template.path("metadata").path("labels"), path + "metadata.labels"));
        errs.addAll(MetadataValidation.annotations(template.path("metadata").path("annotations"), path + "metadata.annotations"));
        JsonNode spec = template.path("spec");
        errs.addAll(PodSpecValidation.validate(spec, path + "spec."));
        String restart = Trees.text(spec, "restartPolicy");
        if (restartAlways && !restart.isEmpty() && !restart.equals("Always")) {
            errs.add(FieldError.notSupported(path + "spec.restartPolicy", restart, List.of("Always")));
        }
        return errs;
    }

    /** apps/v1 selectors may not change ({@code field is immutable}). */
    static void selectorImmutable(ObjectNode object, ObjectNode old, List<FieldError> errs) {
        JsonNode now = object.path("spec").path("selector");
        if (!now.equals(old.path("spec").path("selector"))) {
            errs.add(FieldError.invalid("spec.selector", now, "field is immutable"));
        }
    }

    static void nonNegative(JsonNode parent, String field, String path, List<FieldError> errs) {
        long value = parent.path(field).asLong(0);
        if (value < 0) {
            errs.add(FieldError.invalid(path + field, value, "must be greater than or equal to 0"));
        }
    }

    /** An int-or-percent such as {@code 25%}, or null if not one. */
    static Integer percent(JsonNode value) {
        if (value.isString() && value.stringValue().matches("[0-9]+%")) {
            return Integer.parseInt(value.stringValue().substring(0, value.stringValue().length() - 1));
        }
        return null;
    }

    /**
     * kube's {@code ValidateRollingUpdateDeployment} (and the DaemonSet one, which says the same):
     * int-or-percent bounds and not both zero.
     *
     * @param path the rollingUpdate's path with a trailing dot
     */
    static void rollingUpdate(JsonNode rolling, String path, List<FieldError> errs) {
        for (String field : new String[] {"maxUnavailable", "maxSurge"}) {
            JsonNode v = rolling.path(field);
            Integer percent = Workloads.percent(v);
            if (v.isNumber() && v.asLong() < 0) {
                errs.add(FieldError.invalid(path + field, v.asLong(), "must be greater than or equal to 0"));
            } else if (v.isString() && percent == null) {
                errs.add(FieldError.invalid(path + field, v.stringValue(), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
            } else if (field.equals("maxUnavailable") && percent != null && percent > 100) {
                errs.add(FieldError.invalid(path + field, v.stringValue(), "must not be greater than 100%"));
            }
        }
        if (isZero(rolling.path("maxUnavailable")) && isZero(rolling.path("maxSurge"))) {
            errs.add(FieldError.invalid(path + "maxUnavailable", render(rolling.path("maxUnavailable")), "may not be 0 when `maxSurge` is 0"));
        }
    }

    static boolean isZero(JsonNode v) {
        return (v.isNumber() && v.asLong() == 0) || (v.isString() && v.stringValue().equals("0%"));
    }

    static Object render(JsonNode v) {
        return v.isNumber() ? (Object) v.asLong() : v.asString("");
    }
}
