package io.outpost.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.outpost.apiserver.validation.Names;
import io.outpost.cli.AgentConfig.AgentRuntime;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The flags that describe a node, shared by {@code outpost agent} and the agent {@code outpost
 * server} runs beside itself: its name, runtime, labels and pool. Values are checked as kube checks
 * a Node's name and labels, and a mistake names the flag and the fix.
 */
final class NodeOptions {

    @Option(names = "--node-name", paramLabel = "NAME",
            description = {"This node's name (a lowercase DNS name). Default: the host name. Env: OUTPOST_NODE_NAME."})
    private String nodeName;

    @Option(names = "--runtime", paramLabel = "RUNTIME", converter = RuntimeConverter.class,
            description = {"containerd: container images run by containerd through CRI, with CNI networking.",
                "process: each container is a host process running its command.",
                "simulated: no processes (scale tests only; the node is labelled so).",
                "Default: containerd when its socket is found (a running containerd), otherwise process (the log says which).",
                "Env: OUTPOST_RUNTIME."})
    private AgentRuntime runtime;

    @Option(names = "--container-runtime-endpoint", paramLabel = "URL",
            description = {"An existing containerd's CRI socket, e.g. unix:///run/containerd/containerd.sock.",
                "Default: a containerd the agent starts and supervises under its data dir.",
                "Env: OUTPOST_CONTAINER_RUNTIME_ENDPOINT."})
    private String containerRuntimeEndpoint;

    @Option(names = "--registry-config", paramLabel = "FILE",
            description = {"Image registry mirrors, plain-HTTP registries, TLS and credentials, in k3s's registries.yaml format",
                "(mirrors: {REGISTRY: {endpoint: [URL...]}}, configs: {HOST: {auth: {...}, tls: {...}}}), for the containerd the",
                "agent manages. Default: DATA/registries.yaml when it exists. Env: OUTPOST_REGISTRY_CONFIG."})
    private Path registryConfig;

    @Option(names = "--labels", paramLabel = "K=V", split = ",",
            description = {"Labels the node registers with (repeatable, or comma-separated). Env: OUTPOST_LABELS."})
    private List<String> labels = List.of();

    @Option(names = "--pool", paramLabel = "NAME",
            description = {"The node pool this node belongs to (the label " + AgentConfig.POOL_LABEL + "). Env: OUTPOST_POOL."})
    private String pool;

    /** The node's name as given, checked; empty when the host name is to be used. */
    Optional<String> nodeName(CommandSpec spec) {
        if (nodeName == null) {
            return Optional.empty();
        }
        String name = nodeName.strip();
        List<String> errors = Names.dns1123Subdomain(name);
        if (!errors.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--node-name '" + name + "' is not a valid node name: "
                    + String.join("; ", errors) + ". Fix: pass a lowercase DNS name, like edge-01",
                    spec.findOption("--node-name"), name);
        }
        return Optional.of(name);
    }

    AgentRuntime runtime() {
        return runtime == null ? AgentRuntime.DEFAULT : runtime;
    }

    /**
     * {@code --container-runtime-endpoint}, checked: empty for a managed containerd. Like kubelet's
     * flag, a bare path is taken as a unix socket.
     */
    String containerRuntimeEndpoint(CommandSpec spec) {
        if (containerRuntimeEndpoint == null || containerRuntimeEndpoint.isBlank()) {
            return "";
        }
        String endpoint = containerRuntimeEndpoint.strip();
        if (endpoint.startsWith("/")) {
            endpoint = "unix://" + endpoint;
        }
        if (!endpoint.startsWith("unix:///")) {
            throw new ParameterException(spec.commandLine(), "--container-runtime-endpoint '" + endpoint
                    + "' is not a unix socket URL. Fix: pass unix:///run/containerd/containerd.sock, or leave it out for a"
                    + " containerd the agent manages", spec.findOption("--container-runtime-endpoint"), endpoint);
        }
        if (runtime == AgentRuntime.PROCESS || runtime == AgentRuntime.SIMULATED) {
            throw new ParameterException(spec.commandLine(), "--container-runtime-endpoint is for the containerd runtime, not --runtime "
                    + runtime.flagValue() + ". Fix: pass --runtime containerd, or leave the endpoint out",
                    spec.findOption("--container-runtime-endpoint"), endpoint);
        }
        return endpoint;
    }

    /** {@code --registry-config} as given (absolute), empty when not given; read by {@link #checkRegistryConfig}. */
    Optional<Path> registryConfig() {
        return Optional.ofNullable(registryConfig).map(f -> f.toAbsolutePath().normalize());
    }

    /**
     * Reads the registries file the agent will use ({@code file}: the flag's or the default one)
     * so a mistake is a usage error naming the flag, the file and the field before anything
     * starts; the agent reads it again at start.
     */
    static void checkRegistryConfig(CommandSpec spec, Optional<Path> file, boolean given) {
        if (file.isEmpty()) {
            return;
        }
        try {
            io.outpost.agent.runtime.containerd.RegistryConfig.load(file.get());
        } catch (io.outpost.agent.runtime.containerd.RegistryConfig.Invalid e) {
            throw new ParameterException(spec.commandLine(), "--registry-config" + (given ? "" : " (default)") + ": " + e.getMessage()
                    + ". Fix the file (k3s's registries.yaml format)" + (given ? ", or leave the flag out" : ", or remove it"),
                    spec.findOption("--registry-config"), file.get().toString());
        }
    }

    /** {@code --labels} and {@code --pool} as the node's labels, checked. */
    Map<String, String> labels(CommandSpec spec) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String pair : labels) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair.strip() : pair.substring(0, eq).strip();
            String value = eq < 0 ? null : pair.substring(eq + 1).strip();
            List<String> errors = new ArrayList<>();
            if (value == null) {
                errors.add("it has no '=': write key=value");
            } else {
                Names.qualifiedName(key).forEach(e -> errors.add("key: " + e));
                Names.labelValue(value).forEach(e -> errors.add("value: " + e));
            }
            if (!errors.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--labels '" + pair + "' is not a label: "
                        + String.join("; ", errors) + ". Fix: pass key=value pairs separated by commas, like site=store-12,zone=a",
                        spec.findOption("--labels"), pair);
            }
            result.put(key, value);
        }
        if (pool != null) {
            List<String> errors = Names.dns1123Label(pool.strip());
            if (!errors.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--pool '" + pool + "' is not a pool name: "
                        + String.join("; ", errors) + ". Fix: use a lowercase DNS label, like stores-eu",
                        spec.findOption("--pool"), pool);
            }
            result.put(AgentConfig.POOL_LABEL, pool.strip());
        }
        return result;
    }

    /** This host's name, lowercased, as the default node name (kubelet's default too). */
    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    static final class RuntimeConverter implements ITypeConverter<AgentRuntime> {
        @Override
        public AgentRuntime convert(String value) {
            try {
                return AgentRuntime.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
