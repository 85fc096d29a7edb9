package io.outpost.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code outpost agent} was asked to run, from its flags and their {@code OUTPOST_*} twins.
 *
 * @param server   the server's https URL ({@code --server})
 * @param token    the join token ({@code --token}); needed only until the node has its certificate
 * @param nodeName this node's name ({@code --node-name}; default: the host name)
 * @param dataDir  absolute; holds the node's key and certificate, its local store and pod data
 * @param runtime  how containers run ({@code --runtime}); {@link AgentRuntime#DEFAULT} is decided at start
 * @param containerRuntimeEndpoint containerd's CRI socket ({@code --container-runtime-endpoint},
 *                 {@code unix:///run/containerd/containerd.sock}); empty: a managed containerd under
 *                 the data dir. Used by the containerd runtime only.
 * @param labels   labels the node registers with ({@code --labels}, plus {@code --pool})
 * @param registryConfig the k3s-format {@code registries.yaml} ({@code --registry-config}); empty:
 *                 {@code DATA/registries.yaml} if there is one ({@link #registryConfigFile()})
 */
record AgentConfig(URI server, Optional<String> token, String nodeName, Path dataDir, AgentRuntime runtime,
                   String containerRuntimeEndpoint, Map<String, String> labels, Optional<Path> registryConfig) {

    /** The registries file read when {@code --registry-config} is not given, if it exists (k3s: /etc/rancher/k3s/registries.yaml). */
    static final String DEFAULT_REGISTRY_CONFIG = "registries.yaml";

    /** Without {@code --registry-config}. */
    AgentConfig(URI server, Optional<String> token, String nodeName, Path dataDir, AgentRuntime runtime,
                String containerRuntimeEndpoint, Map<String, String> labels) {
        this(server, token, nodeName, dataDir, runtime, containerRuntimeEndpoint, labels, Optional.empty());
    }

    /** The registries file to read: {@code --registry-config}, else {@code DATA/registries.yaml} when it exists; empty for none. */
    Optional<Path> registryConfigFile() {
        return registryConfig.or(() -> Optional.of(dataDir.resolve(DEFAULT_REGISTRY_CONFIG)).filter(java.nio.file.Files::exists));
    }

    /** The node label that {@code --pool NAME} sets. */
    static final String POOL_LABEL = "node.outpost.io/pool";

    AgentConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(containerRuntimeEndpoint, "containerRuntimeEndpoint");
        Objects.requireNonNull(registryConfig, "registryConfig");
        labels = Map.copyOf(labels);
        if (!dataDir.isAbsolute()) {
            throw new IllegalArgumentException("dataDir must be absolute: " + dataDir);
        }
    }

    /** The container runtimes the agent offers ({@code --runtime}). */
    enum AgentRuntime {
        /**
         * {@code --runtime} not given: containerd when its socket or its binaries are found on this
         * host, otherwise process, decided when the agent starts and said in its log (issue 7), so
         * that parsing the flags touches nothing on the host.
         */
        DEFAULT,
        /** Container images run by containerd through CRI, with CNI networking (an existing or a managed containerd). */
        CONTAINERD,
        /** Each container is a host process running its command (the image is recorded, not pulled). */
        PROCESS,
        /** No processes: containers go through their states as if run. For scale tests only. */
        SIMULATED;

        static AgentRuntime parse(String value) {
            return switch (value.strip()) {
                case "containerd" -> CONTAINERD;
                case "process" -> PROCESS;
                case "simulated" -> SIMULATED;
                default -> throw new IllegalArgumentException("'" + value + "' is not a runtime; use containerd, process or simulated");
            };
        }

        String flagValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
