package io.outpost.controllers.statefulset;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.outpost.controllers.common.ControllerRefs;
import io.outpost.controllers.common.History;

/**
 * The stable identity of a StatefulSet's pods (kube's {@code stateful_set_utils.go}): pod
 * {@code <set>-<ordinal>}, labelled {@code statefulset.kubernetes.io/pod-name} and
 * {@code apps.kubernetes.io/pod-index}, with hostname the pod's name and subdomain the set's
 * {@code serviceName}, so that {@code <pod>.<service>} resolves to it through a headless Service.
 * The {@code controller-revision-hash} label names the revision the pod was made from.
 */
final class Identity {

    static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
    static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
    /** kube's {@code statefulPodRegex}: a parent name, a dash, an ordinal. */
    private static final Pattern STATEFUL_POD = Pattern.compile("(.*)-([0-9]+)$");

    private Identity() {
    }

    /** The pod's ordinal if it is named as one of this set's pods, else -1 (kube's {@code getOrdinal}). */
    static int ordinal(StatefulSet set, Pod pod) {
        Matcher m = STATEFUL_POD.matcher(pod.getMetadata().getName());
        if (!m.matches() || !m.group(1).equals(set.getMetadata().getName())) {
            return -1;
        }
        try {
            return Integer.parseInt(m.group(2));
        } catch (NumberFormatException e) {
            return -1; // too long to be an ordinal kube would make
        }
    }

    static String podName(StatefulSet set, int ordinal) {
        return set.getMetadata().getName() + "-" + ordinal;
    }

    /** The first ordinal ({@code spec.ordinals.start}, 0 by default). */
    static int start(StatefulSet set) {
        return set.getSpec().getOrdinals() == null || set.getSpec().getOrdinals().getStart() == null ? 0
                : set.getSpec().getOrdinals().getStart();
    }

    static int replicas(StatefulSet set) {
        return set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
    }

    /** Whether the pod carries its identity (kube's {@code identityMatches}). */
    static boolean matches(StatefulSet set, Pod pod) {
        int ordinal = ordinal(set, pod);
        return ordinal >= 0 && Objects.equals(pod.getMetadata().getNamespace(), set.getMetadata().getNamespace())
                && pod.getMetadata().getName().equals(podName(set, ordinal))
                && pod.getMetadata().getLabels() != null
                && pod.getMetadata().getName().equals(pod.getMetadata().getLabels().get(POD_NAME_LABEL));
    }

    /** A copy of {@code pod} with its identity restored (kube's {@code updateIdentity}). */
    static Pod withIdentity(StatefulSet set, Pod pod) {
        int ordinal = ordinal(set, pod);
        Pod copy = new PodBuilder(pod).build();
        Map<String, String> labels = copy.getMetadata().getLabels() == null ? new HashMap<>() : new HashMap<>(copy.getMetadata().getLabels());
        labels.put(POD_NAME_LABEL, copy.getMetadata().getName());
        labels.put(POD_INDEX_LABEL, Integer.toString(ordinal));
        copy.getMetadata().setLabels(labels);
        copy.getSpec().setHostname(copy.getMetadata().getName());
        String service = set.getSpec().getServiceName();
        copy.getSpec().setSubdomain(service == null || service.isEmpty() ? null : service);
        return copy;
    }

    /** The pod of {@code ordinal} made from {@code template} of revision {@code revision} (kube's {@code newStatefulSetPod}). */
    static Pod newPod(StatefulSet set, PodTemplateSpec template, String revision, int ordinal) {
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        Map<String, String> labels = tm.getLabels() == null ? new HashMap<>() : new HashMap<>(tm.getLabels());
        labels.put(History.HASH_LABEL, revision);
        Pod pod = new PodBuilder().withNewMetadata()
                .withName(podName(set, ordinal))
                .withNamespace(set.getMetadata().getNamespace())
                .withLabels(labels)
                .withAnnotations(tm.getAnnotations() == null ? null : new HashMap<>(tm.getAnnotations()))
                .withFinalizers(tm.getFinalizers())
                .withOwnerReferences(ControllerRefs.controllerRef(set))
                .endMetadata()
                .withSpec(new PodSpecBuilder(template.getSpec()).build()).build();
        return withIdentity(set, pod);
    }

    static String revision(Pod pod) {
        return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(History.HASH_LABEL);
    }
}
