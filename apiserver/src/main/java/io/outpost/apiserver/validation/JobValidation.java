package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Jobs, as kube's batch/v1 {@code SetDefaults_Job} and job {@code strategy.go}:
 * <ul>
 *   <li>defaults: completions and parallelism 1 when both are absent (parallelism 1 when only it
 *       is), backoffLimit 6, completionMode NonIndexed, suspend false, podReplacementPolicy
 *       TerminatingOrFailed (Failed with a podFailurePolicy), the Job's labels from its template's
 *       when it has none;</li>
 *   <li>on create, unless {@code manualSelector} is true, the selector is generated: the template
 *       gets {@code batch.kubernetes.io/controller-uid}, {@code controller-uid},
 *       {@code batch.kubernetes.io/job-name} and {@code job-name} labels and the selector matches
 *       the uid, so a Job's pods can never be claimed by another Job of the same name;</li>
 *   <li>on update the selector, the template, completionMode and (unless an Indexed job scales
 *       completions with parallelism) completions are immutable.</li>
 * </ul>
 * podFailurePolicy is {@link PodFailurePolicies}'; backoffLimitPerIndex and maxFailedIndexes are
 * checked with the spec ({@link JobSpecs}). Not yet: successPolicy, and kube's exception
 * that lets a suspended, never-started Job change its template's scheduling directives.
 */
final class JobValidation implements KindStrategy {

    static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
    static final String LEGACY_CONTROLLER_UID = "controller-uid";
    static final String JOB_NAME = "batch.kubernetes.io/job-name";
    static final String LEGACY_JOB_NAME = "job-name";

    @Override
    public void applyDefaults(ObjectNode job) {
        ObjectNode spec = Trees.object(job, "spec");
        if (Trees.absent(spec, "completions") && Trees.absent(spec, "parallelism")) {
            spec.put("completions", 1);
        }
        Trees.defaultLong(spec, "parallelism", 1);
        // kube: with a per-index limit, the Job-wide one is out of the way unless set.
        Trees.defaultLong(spec, "backoffLimit", Trees.absent(spec, "backoffLimitPerIndex") ? 6 : Integer.MAX_VALUE);
        PodFailurePolicies.applyDefaults(spec);
        Trees.defaultText(spec, "completionMode", "NonIndexed");
        Trees.defaultBoolean(spec, "suspend", false);
        Trees.defaultText(spec, "podReplacementPolicy", Trees.absent(spec, "podFailurePolicy") ? "TerminatingOrFailed" : "Failed");
        JsonNode templateLabels = spec.path("template").path("metadata").path("labels");
        ObjectNode meta = Trees.object(job, "metadata");
        if (templateLabels instanceof ObjectNode labels && !labels.isEmpty() && meta.path("labels").isEmpty()) {
            meta.set("labels", labels.deepCopy());
        }
        JobSpecs.defaultTemplate(spec);
    }

    @Override
    public void prepareForCreate(ObjectNode job) {
        job.remove("status");
        ObjectNode spec = Trees.object(job, "spec");
        if (spec.path("manualSelector").asBoolean(false)) {
            return;
        }
        String uid = Trees.text(job.path("metadata"), "uid");
        String name = Trees.text(job.path("metadata"), "name");
        ObjectNode labels = Trees.object(Trees.object(Trees.object(spec, "template"), "metadata"), "labels");
        // a label the user set is kept; a conflict with the generated selector fails validation
        for (String key : new String[] {LEGACY_JOB_NAME, JOB_NAME}) {
            if (!labels.has(key)) {
                labels.put(key, name);
            }
        }
        for (String key : new String[] {LEGACY_CONTROLLER_UID, CONTROLLER_UID}) {
            if (!labels.has(key)) {
                labels.put(key, uid);
            }
        }
        ObjectNode matchLabels = Trees.object(Trees.object(spec, "selector"), "matchLabels");
        if (!matchLabels.has(CONTROLLER_UID)) {
            matchLabels.put(CONTROLLER_UID, uid);
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode job) {
        JsonNode spec = job.path("spec");
        List<FieldError> errs = new ArrayList<>(JobSpecs.validateWithSelector(spec));
        if (!spec.path("manualSelector").asBoolean(false)) {
            generatedSelector(job, errs);
        }
        return errs;
    }

    /** kube's {@code validateGeneratedSelector}: the selector must select this Job's uid. */
    private static void generatedSelector(ObjectNode job, List<FieldError> errs) {
        String uid = Trees.text(job.path("metadata"), "uid");
        if (uid.isEmpty()) {
            errs.add(FieldError.required("metadata.uid", ""));
        }
        JsonNode selector = job.path("spec").path("selector");
        if (!Trees.absent(job.path("spec"), "selector") && !LabelSelectors.matches(selector, java.util.Map.of(CONTROLLER_UID, uid))) {
            errs.add(FieldError.invalid("spec.selector", selector, "`selector` not auto-generated"));
        }
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode job, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(job));
        JsonNode spec = job.path("spec");
        JsonNode was = old.path("spec");
        for (String field : new String[] {"selector", "template", "completionMode"}) {
            if (!spec.path(field).equals(was.path(field))) {
                errs.add(FieldError.invalid("spec." + field, spec.path(field), "field is immutable"));
            }
        }
        if (!spec.path("completions").equals(was.path("completions"))) {
            // kube 1.27+: an Indexed Job may scale completions together with parallelism
            boolean elastic = Trees.text(spec, "completionMode").equals("Indexed")
                    && spec.path("completions").equals(spec.path("parallelism"));
            if (!elastic) {
                errs.add(FieldError.invalid("spec.completions", spec.path("completions"), "field is immutable"));
            }
        }
        return errs;
    }
}
