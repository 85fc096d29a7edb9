package io.outpost.cli;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.netty.util.NetUtil;
import io.outpost.cli.AgentConfig.AgentRuntime;

/**
 * The agent that {@code outpost server} runs in its own process beside the control plane, so that
 * one command gives a working single-node cluster (as k3s does); {@code --disable-agent} turns it
 * off. It joins like any agent, with {@code DATA/node-token}, and keeps its state in
 * {@code DATA/agent}.
 *
 * @param nodeName the node's name ({@code --node-name}); empty: the host name
 * @param runtime  how its containers run ({@code --runtime})
 * @param containerRuntimeEndpoint {@code --container-runtime-endpoint}; empty: a managed containerd
 * @param labels   the labels it registers with ({@code --labels}, {@code --pool})
 * @param registryConfig {@code --registry-config}; empty: the server's {@code DATA/registries.yaml}
 *                 if there is one, else the agent's {@code DATA/agent/registries.yaml}
 */
record LocalAgent(Optional<String> nodeName, AgentRuntime runtime, String containerRuntimeEndpoint, Map<String, String> labels,
                  Optional<Path> registryConfig) {

    /** Without {@code --registry-config}. */
    LocalAgent(Optional<String> nodeName, AgentRuntime runtime, String containerRuntimeEndpoint, Map<String, String> labels) {
        this(nodeName, runtime, containerRuntimeEndpoint, labels, Optional.empty());
    }

    LocalAgent {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(containerRuntimeEndpoint, "containerRuntimeEndpoint");
        Objects.requireNonNull(registryConfig, "registryConfig");
        labels = Map.copyOf(labels);
    }

    /** The defaults of the node flags: the host name, the runtime found on the host at start, no labels. */
    static LocalAgent defaults() {
        return new LocalAgent(Optional.empty(), AgentRuntime.DEFAULT, "", Map.of());
    }

    /** The agent's config for a server with {@code dataDir} listening on {@code bindAddress:port}. */
    AgentConfig agentConfig(Path dataDir, InetAddress bindAddress, int port, String token) {
        InetAddress target = bindAddress.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bindAddress;
        URI server = URI.create("https://" + NetUtil.toAddressString(target, true) + ":" + port);
        return new AgentConfig(server, Optional.of(token), nodeName.orElseGet(NodeOptions::localHostName),
                dataDir.resolve("agent"), runtime, containerRuntimeEndpoint, labels, registryConfigFile(dataDir));
    }

    /** The registries file for a server with {@code dataDir}: the flag's, or DATA/registries.yaml when it exists. */
    Optional<Path> registryConfigFile(Path dataDir) {
        return registryConfig.or(() -> Optional.of(dataDir.resolve(AgentConfig.DEFAULT_REGISTRY_CONFIG))
                .filter(java.nio.file.Files::exists));
    }
}
