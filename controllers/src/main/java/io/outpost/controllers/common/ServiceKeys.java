package io.outpost.controllers.common;

import java.util.LinkedHashSet;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/** The services a pod change concerns (kube's {@code endpointsliceutil.GetPodServiceMemberships}). */
public final class ServiceKeys {

    private ServiceKeys() {
    }

    /**
     * Keys of the services in the pod's namespace whose selector matches either the old or the new
     * pod: a pod relabelled out of a service must leave its endpoints too.
     */
    public static Set<String> selecting(SharedIndexInformer<Service> services, Pod old, Pod cur) {
        Set<String> keys = new LinkedHashSet<>();
        for (Service s : services.getIndexer().byIndex(Cache.NAMESPACE_INDEX, cur.getMetadata().getNamespace())) {
            var selector = ServiceMembers.selector(s);
            if (selector.isPresent() && (ServiceMembers.selects(selector.get(), cur.getMetadata().getLabels())
                    || (old != null && ServiceMembers.selects(selector.get(), old.getMetadata().getLabels())))) {
                keys.add(Pods.key(s));
            }
        }
        return keys;
    }
}
