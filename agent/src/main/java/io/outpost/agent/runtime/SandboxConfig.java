package io.outpost.agent.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a pod sandbox is created from (CRI {@code PodSandboxConfig}, the parts that matter here).
 *
 * @param name         the pod's name
 * @param namespace    the pod's namespace
 * @param uid          the pod's uid
 * @param attempt      0 for the pod's first sandbox, +1 for each replacement
 * @param logDirectory where the containers' logs go ({@code .../pods/<ns>_<name>_<uid>})
 * @param hostNetwork  the pod shares the host's network (always true for the process runtime)
 * @param labels       labels the runtime keeps with the sandbox, so the agent can find it again
 */
public record SandboxConfig(String name, String namespace, String uid, int attempt, Path logDirectory,
                            boolean hostNetwork, Map<String, String> labels) {

    public SandboxConfig {
        labels = Map.copyOf(labels);
    }
}
