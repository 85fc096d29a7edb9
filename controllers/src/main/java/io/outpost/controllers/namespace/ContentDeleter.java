package io.outpost.controllers.namespace;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Deletes everything in a namespace, as kube's {@code namespacedResourcesDeleter.deleteAllContent}:
 * the namespaced resources come from discovery (the preferred version of every group, custom
 * resources included) and are those that can be listed and deleted; every object in the namespace
 * is deleted with Background propagation, then the resource is listed again to count what remains
 * and which finalizers hold it. A group that fails discovery does not stop the others.
 *
 * <p>Thread model: called by the namespace controller's workers, one namespace per call; it only
 * talks to the API.
 */
final class ContentDeleter {

    private final KubernetesClient client;
    private final Clock clock;

    ContentDeleter(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** A resource that can be emptied: its group, version, plural and kind. */
    record Resource(String group, String version, String plural, String kind) {
        /** kube's {@code gvr.Resource + "." + gvr.Group}, the name conditions use. */
        String label() {
            return plural + "." + group;
        }
    }

    Content deleteAll(String namespace) {
        List<String> discoveryFailures = new ArrayList<>();
        List<Resource> resources = discover(discoveryFailures);
        List<String> deleteFailures = new ArrayList<>();
        Map<String, Integer> remaining = new HashMap<>();
        Map<String, Integer> finalizers = new HashMap<>();
        long estimate = 0;
        Instant now = clock.instant();
        for (Resource r : resources) {
            try {
                var op = client.genericKubernetesResources(context(r)).inNamespace(namespace);
                List<GenericKubernetesResource> items = op.list().getItems();
                if (items.isEmpty()) {
                    continue;
                }
                for (GenericKubernetesResource item : items) {
                    if (item.getMetadata().getDeletionTimestamp() != null) {
                        continue; // already on its way; deleting again changes nothing
                    }
                    try {
                        op.withName(item.getMetadata().getName()).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                    } catch (KubernetesClientException e) {
                        if (e.getCode() != 404) {
                            throw e;
                        }
                    }
                }
                List<GenericKubernetesResource> left = op.list().getItems();
                if (left.isEmpty()) {
                    continue;
                }
                remaining.merge(r.label(), left.size(), Integer::sum);
                boolean held = false;
                List<Instant> graceful = new ArrayList<>();
                for (GenericKubernetesResource item : left) {
                    var meta = item.getMetadata();
                    if (meta.getFinalizers() != null && !meta.getFinalizers().isEmpty()) {
                        held = true;
                        meta.getFinalizers().forEach(f -> finalizers.merge(f, 1, Integer::sum));
                    } else if (meta.getDeletionTimestamp() != null && meta.getDeletionGracePeriodSeconds() != null
                            && meta.getDeletionGracePeriodSeconds() > 0) {
                        graceful.add(Instant.parse(meta.getDeletionTimestamp()));
                    }
                }
                long here = Content.podEstimate(now, graceful);
                if (held) {
                    here = Math.max(here, Content.FINALIZER_ESTIMATE_SECONDS);
                }
                if (here == 0) {
                    // kube: nothing explains why they are still there.
                    deleteFailures.add("unexpected items still remain in namespace: " + namespace + " for gvr: " + r.group() + "/"
                            + r.version() + ", Resource=" + r.plural());
                }
                estimate = Math.max(estimate, here);
            } catch (KubernetesClientException e) {
                deleteFailures.add(e.getMessage());
            }
        }
        Optional<String> discovery = discoveryFailures.isEmpty() ? Optional.empty()
                : Optional.of("Discovery failed for some groups, " + discoveryFailures.size() + " failing: "
                + String.join(", ", discoveryFailures));
        return new Content(discovery, deleteFailures, remaining, finalizers, estimate);
    }

    /** kube's {@code ServerPreferredNamespacedResources}, kept to those with the list and delete verbs. */
    private List<Resource> discover(List<String> failures) {
        List<Resource> out = new ArrayList<>();
        add(out, "", "v1", failures);
        for (APIGroup group : client.getApiGroups().getGroups()) {
            String version = group.getPreferredVersion() != null ? group.getPreferredVersion().getVersion()
                    : group.getVersions().getFirst().getVersion();
            add(out, group.getName(), version, failures);
        }
        return out;
    }

    private void add(List<Resource> out, String group, String version, List<String> failures) {
        String groupVersion = group.isEmpty() ? version : group + "/" + version;
        try {
            var list = client.getApiResources(groupVersion);
            if (list == null) {
                failures.add(groupVersion + ": the server could not find the requested resource");
                return;
            }
            for (APIResource r : list.getResources()) {
                if (Boolean.TRUE.equals(r.getNamespaced()) && !r.getName().contains("/")
                        && r.getVerbs().contains("list") && r.getVerbs().contains("delete")) {
                    out.add(new Resource(group, version, r.getName(), r.getKind()));
                }
            }
        } catch (KubernetesClientException e) {
            failures.add(groupVersion + ": " + e.getMessage());
        }
    }

    private static ResourceDefinitionContext context(Resource r) {
        return new ResourceDefinitionContext.Builder().withGroup(r.group()).withVersion(r.version())
                .withPlural(r.plural()).withKind(r.kind()).withNamespaced(true).build();
    }
}
