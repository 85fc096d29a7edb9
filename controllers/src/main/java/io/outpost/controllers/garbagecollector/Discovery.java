package io.outpost.controllers.garbagecollector;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Which resources the collector watches: every resource in the preferred version of each group
 * that can be listed, watched and deleted, as kube's GC finds them through discovery; except
 * events, which kube's collector ignores too (many, short-lived, never owners).
 */
final class Discovery {

    private static final Set<String> IGNORED = Set.of("/events", "events.k8s.io/events");

    private Discovery() {
    }

    static List<ResourceDefinitionContext> deletableResources(KubernetesClient client) {
        List<ResourceDefinitionContext> out = new ArrayList<>();
        add(out, "", client.getApiResources("v1"));
        for (APIGroup group : client.getApiGroups().getGroups()) {
            String gv = group.getPreferredVersion() != null ? group.getPreferredVersion().getGroupVersion()
                    : group.getVersions().get(0).getGroupVersion();
            add(out, group.getName(), client.getApiResources(gv));
        }
        return out;
    }

    private static void add(List<ResourceDefinitionContext> out, String group, APIResourceList list) {
        if (list == null) {
            return;
        }
        String version = list.getGroupVersion().contains("/")
                ? list.getGroupVersion().substring(list.getGroupVersion().indexOf('/') + 1) : list.getGroupVersion();
        for (APIResource r : list.getResources()) {
            if (r.getName().contains("/") || IGNORED.contains(group + "/" + r.getName())) {
                continue;
            }
            List<String> verbs = r.getVerbs() == null ? List.of() : r.getVerbs();
            if (!(verbs.contains("list") && verbs.contains("watch") && verbs.contains("delete"))) {
                continue;
            }
            out.add(new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version)
                    .withKind(r.getKind()).withPlural(r.getName()).withNamespaced(Boolean.TRUE.equals(r.getNamespaced()))
                    .build());
        }
    }
}
