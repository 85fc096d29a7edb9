package io.outpost.agent.pods;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * A pod's QoS class ({@code pkg/apis/core/v1/helper/qos}): BestEffort with no requests or limits
 * for CPU or memory in any container; Guaranteed when every container limits both and its requests
 * (defaulting to the limits) equal them; Burstable otherwise.
 */
final class QosClass {

    private QosClass() {
    }

    static String of(Pod pod) {
        List<Container> all = new ArrayList<>(pod.getSpec().getContainers());
        if (pod.getSpec().getInitContainers() != null) {
            all.addAll(pod.getSpec().getInitContainers());
        }
        boolean any = false;
        boolean guaranteed = true;
        for (Container c : all) {
            Map<String, Quantity> req = c.getResources() == null || c.getResources().getRequests() == null ? Map.of() : c.getResources().getRequests();
            Map<String, Quantity> lim = c.getResources() == null || c.getResources().getLimits() == null ? Map.of() : c.getResources().getLimits();
            for (String r : List.of("cpu", "memory")) {
                Quantity rq = req.get(r);
                Quantity lq = lim.get(r);
                if ((rq != null && Quantity.getAmountInBytes(rq).signum() != 0) || lq != null) {
                    any = true;
                }
                if (lq == null) {
                    guaranteed = false;
                } else if (rq != null && Quantity.getAmountInBytes(rq).compareTo(Quantity.getAmountInBytes(lq)) != 0) {
                    guaranteed = false;
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
