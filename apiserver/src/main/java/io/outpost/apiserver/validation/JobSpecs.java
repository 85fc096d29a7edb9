package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A batch/v1 {@code JobSpec} wherever it appears (a Job's {@code spec}, a CronJob's
 * {@code spec.jobTemplate.spec}): kube's {@code validateJobSpec} for the essential fields and the
 * pod template, whose restartPolicy must be OnFailure or Never.
 */
final class JobSpecs {

    static final List<String> COMPLETION_MODES = List.of("NonIndexed", "Indexed");
    static final List<String> JOB_RESTART_POLICIES = List.of("OnFailure", "Never");

    /** kube's {@code maxParallelismForIndexedJob}. */
    private static final long MAX_INDEXED_PARALLELISM = 100_000;

    private JobSpecs() {
    }

    /** @param path the spec's path with a trailing dot: {@code spec.} or {@code spec.jobTemplate.spec.} */
    static List<FieldError> validate(JsonNode spec, String path) {
        List<FieldError> errs = new ArrayList<>();
        for (String field : new String[] {"parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"}) {
            Workloads.nonNegative(spec, field, path, errs);
        }
        if (!Trees.absent(spec, "completionMode")) {
            String mode = Trees.text(spec, "completionMode");
            if (!COMPLETION_MODES.contains(mode)) {
                errs.add(FieldError.notSupported(path + "completionMode", mode, COMPLETION_MODES));
            }
            if (mode.equals("Indexed")) {
                if (Trees.absent(spec, "completions")) {
                    errs.add(FieldError.required(path + "completions", "when completion mode is Indexed"));
                }
                long parallelism = spec.path("parallelism").asLong(0);
                if (parallelism > MAX_INDEXED_PARALLELISM) {
                    errs.add(FieldError.invalid(path + "parallelism", parallelism,
                            "must be less than or equal to " + MAX_INDEXED_PARALLELISM + " when completion mode is Indexed"));
                }
            }
        }
        perIndex(spec, path, errs);
        if (!Trees.absent(spec, "podFailurePolicy")) {
            PodFailurePolicies.validate(spec, path + "podFailurePolicy.", errs);
            String restart = Trees.text(spec.path("template").path("spec"), "restartPolicy");
            if (!restart.isEmpty() && !restart.equals("Never") && !restart.equals("Always")) {
                errs.add(FieldError.invalid(path + "template.spec.restartPolicy", restart,
                        "only \"Never\" is supported when podFailurePolicy is specified"));
            }
        }
        errs.addAll(Workloads.template(spec.path("template"), path + "template.", false));
        // SetDefaults_PodSpec turns an absent restartPolicy into Always, so a Job that names none
        // fails here with kube's "Required value", as kubectl users know it.
        String restart = Trees.text(spec.path("template").path("spec"), "restartPolicy");
        if (restart.isEmpty() || restart.equals("Always")) {
            errs.add(FieldError.required(path + "template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\""));
        } else if (!JOB_RESTART_POLICIES.contains(restart)) {
            errs.add(FieldError.notSupported(path + "template.spec.restartPolicy", restart, JOB_RESTART_POLICIES));
        }
        return errs;
    }

    /** kube's rules on {@code backoffLimitPerIndex} and {@code maxFailedIndexes}. */
    private static void perIndex(JsonNode spec, String path, List<FieldError> errs) {
        boolean indexed = Trees.text(spec, "completionMode").equals("Indexed");
        if (!Trees.absent(spec, "backoffLimitPerIndex")) {
            Workloads.nonNegative(spec, "backoffLimitPerIndex", path, errs);
            if (!indexed) {
                errs.add(FieldError.invalid(path + "backoffLimitPerIndex", spec.get("backoffLimitPerIndex"), "requires indexed completion mode"));
            }
        }
        if (!Trees.absent(spec, "maxFailedIndexes")) {
            Workloads.nonNegative(spec, "maxFailedIndexes", path, errs);
            if (Trees.absent(spec, "backoffLimitPerIndex")) {
                errs.add(FieldError.required(path + "backoffLimitPerIndex", "when maxFailedIndexes is specified"));
            }
            long max = spec.path("maxFailedIndexes").asLong(0);
            if (indexed && !Trees.absent(spec, "completions") && max > spec.path("completions").asLong(0)) {
                errs.add(FieldError.invalid(path + "maxFailedIndexes", max, "must be less than or equal to completions"));
            }
        }
    }

    /** kube's {@code ValidateJobSpec}: a Job's own spec also needs a selector that matches its template. */
    static List<FieldError> validateWithSelector(JsonNode spec) {
        List<FieldError> errs = validate(spec, "spec.");
        JsonNode selector = spec.path("selector");
        if (Trees.absent(spec, "selector")) {
            errs.add(FieldError.required("spec.selector", ""));
            return errs;
        }
        errs.addAll(LabelSelectors.validate(selector, "spec.selector"));
        var labels = Trees.stringMap(spec.path("template").path("metadata").path("labels"));
        if (!LabelSelectors.matches(selector, labels)) {
            errs.add(FieldError.invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`"));
        }
        return errs;
    }

    /** The pod template's defaults (a CronJob's job template gets only these, not a Job's). */
    static void defaultTemplate(ObjectNode spec) {
        Workloads.defaultTemplate(spec);
    }
}
