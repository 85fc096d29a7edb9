package io.outpost.controllers.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.outpost.controllers.common.ControllerRefs;

/**
 * The pod a Job creates from its template (kube's {@code getPodTemplateForJob} and the Indexed
 * additions): named {@code <job>-} plus a generated suffix; for an index, named
 * {@code <job>-<index>-}, with the index in the {@code batch.kubernetes.io/job-completion-index}
 * annotation and label, hostname {@code <job>-<index>} unless the template sets one, and a
 * {@code JOB_COMPLETION_INDEX} variable in every container read from that label (kube's
 * PodIndexLabel behaviour).
 */
final class PodTemplates {

    static final String INDEX_ENV = "JOB_COMPLETION_INDEX";
    /** kube's {@code names.MaxGeneratedNameLength}. */
    private static final int MAX_GENERATED_NAME = 58;

    private PodTemplates() {
    }

    static Pod forJob(Job job, OptionalInt index) {
        var template = job.getSpec().getTemplate();
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        String jobName = job.getMetadata().getName();
        Map<String, String> labels = new LinkedHashMap<>(tm.getLabels() == null ? Map.of() : tm.getLabels());
        Map<String, String> annotations = new LinkedHashMap<>(tm.getAnnotations() == null ? Map.of() : tm.getAnnotations());
        PodSpec spec = template.getSpec();
        String generateName = jobName + "-";
        if (index.isPresent()) {
            String i = Integer.toString(index.getAsInt());
            labels.put(Indexes.ANNOTATION, i);
            annotations.put(Indexes.ANNOTATION, i);
            String suffix = "-" + i + "-";
            generateName = jobName + suffix;
            if (generateName.length() > MAX_GENERATED_NAME) {
                generateName = jobName.substring(0, MAX_GENERATED_NAME - suffix.length()) + suffix;
            }
            PodSpecBuilder b = new PodSpecBuilder(spec).withContainers(withIndexEnv(spec.getContainers()))
                    .withInitContainers(withIndexEnv(spec.getInitContainers()));
            if (spec.getHostname() == null || spec.getHostname().isEmpty()) {
                b.withHostname(jobName + "-" + i);
            }
            spec = b.build();
        }
        return new PodBuilder().withNewMetadata()
                .withGenerateName(generateName)
                .withNamespace(job.getMetadata().getNamespace())
                .withLabels(labels.isEmpty() ? null : labels).withAnnotations(annotations.isEmpty() ? null : annotations)
                .withFinalizers(tm.getFinalizers())
                .withOwnerReferences(ControllerRefs.controllerRef(job))
                .endMetadata().withSpec(spec).build();
    }

    private static List<Container> withIndexEnv(List<Container> containers) {
        if (containers == null) {
            return null;
        }
        List<Container> out = new ArrayList<>();
        for (Container c : containers) {
            boolean has = c.getEnv() != null && c.getEnv().stream().anyMatch(e -> INDEX_ENV.equals(e.getName()));
            out.add(has ? c : new ContainerBuilder(c).addNewEnv().withName(INDEX_ENV).withNewValueFrom().withNewFieldRef()
                    .withFieldPath("metadata.labels['" + Indexes.ANNOTATION + "']").endFieldRef().endValueFrom().endEnv().build());
        }
        return out;
    }
}
