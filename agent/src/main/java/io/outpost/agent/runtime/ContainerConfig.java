package io.outpost.agent.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a container is created from (CRI {@code ContainerConfig}). The pod worker has already done
 * kubelet's part: {@code $(VAR)} references in command and args are expanded, env is resolved
 * (ConfigMaps, Secrets, the downward API), volumes are materialised as host paths.
 *
 * @param name       the container's name in the pod spec
 * @param attempt    0 for the first container of that name in this pod, +1 per restart; the
 *                   pod's {@code restartCount} is read back from it, so it survives an agent restart
 * @param image      recorded; the process runtime runs {@code command} on the host instead
 * @param command    the entrypoint (the pod's {@code command}); may be empty where the runtime
 *                   can take it from the image
 * @param args       the pod's {@code args}
 * @param workingDir empty for the runtime's default
 * @param env        resolved environment, in order
 * @param logPath    the file this container's output goes to, CRI log format
 * @param labels     kept with the container so the agent can find it again (pod uid, name, ...)
 */
public record ContainerConfig(String name, int attempt, String image, List<String> command, List<String> args,
                              String workingDir, Map<String, String> env, List<Mount> mounts, Resources resources,
                              Path logPath, Map<String, String> labels) {

    public ContainerConfig {
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        mounts = List.copyOf(mounts);
        labels = Map.copyOf(labels);
    }
}
