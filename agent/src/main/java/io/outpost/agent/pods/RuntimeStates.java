package io.outpost.agent.pods;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.outpost.agent.runtime.ContainerRuntime;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.SandboxStatus;

/**
 * What the relist compares (kubelet's PLEG records): per pod uid, its sandboxes' and containers'
 * ids and states, as one string, so that any container appearing, changing state or going away
 * changes the pod's entry.
 */
final class RuntimeStates {

    private RuntimeStates() {
    }

    /** Pod uid → a fingerprint of what the runtime has for it. */
    static Map<String, String> byPod(ContainerRuntime runtime) {
        Map<String, List<String>> parts = new HashMap<>();
        for (SandboxStatus s : runtime.listPodSandboxes()) {
            parts.computeIfAbsent(s.config().uid(), k -> new ArrayList<>()).add("s:" + s.id() + ":" + s.ready());
        }
        for (ContainerStatus c : runtime.listContainers()) {
            String uid = c.config().labels().get(Labels.POD_UID);
            if (uid != null) {
                parts.computeIfAbsent(uid, k -> new ArrayList<>()).add("c:" + c.id() + ":" + c.state());
            }
        }
        Map<String, String> out = new HashMap<>();
        parts.forEach((uid, list) -> {
            list.sort(null);
            out.put(uid, String.join(",", list));
        });
        return out;
    }
}
