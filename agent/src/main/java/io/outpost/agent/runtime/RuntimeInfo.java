package io.outpost.agent.runtime;

import java.util.Map;

/**
 * What a runtime says about itself for the node's status.
 *
 * @param name         {@code process}, {@code simulated}, {@code containerd}
 * @param version      the runtime's version
 * @param nodeLabels   labels the node must carry because of this runtime (the simulated one says
 *                     {@code node.outpost.io/runtime=simulated})
 * @param nodeNotes    annotations about limits of this host (e.g. cgroup limits not enforced)
 */
public record RuntimeInfo(String name, String version, Map<String, String> nodeLabels, Map<String, String> nodeNotes) {

    public static final String RUNTIME_LABEL = "node.outpost.io/runtime";

    public RuntimeInfo {
        nodeLabels = Map.copyOf(nodeLabels);
        nodeNotes = Map.copyOf(nodeNotes);
    }

    /** As the node's {@code nodeInfo.containerRuntimeVersion} shows it: {@code process://0.1.0}. */
    public String runtimeVersion() {
        return name + "://" + version;
    }
}
