package io.outpost.cli;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.outpost.apiserver.validation.Names;
import io.outpost.cli.AgentConfig.AgentRuntime;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code outpost agent}: parses its flags into an {@link AgentConfig} and runs an {@link Agent}. */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Runs an edge node: joins the server with a token, then keeps the pods bound to this node",
            "running, through one outbound tunnel; keeps them running while the server is unreachable.",
            "Runs until stopped with Ctrl-C or SIGTERM (its pods keep running); exits 0 after a clean stop.", ""},
        footer = {"", "Each flag can also be set by its environment variable; a flag on the command line wins."})
final class AgentCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL", required = true, converter = ServerUrlConverter.class,
            description = {"The server's https URL, e.g. https://10.0.0.1:6443. Env: OUTPOST_SERVER."})
    private URI server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = {"The join token: the server's DATA/node-token, or one from 'outpost token create'.",
                "Needed only until the node has its certificate. Env: OUTPOST_TOKEN."})
    private String token;

    @Option(names = "--node-name", paramLabel = "NAME",
            description = {"This node's name (a lowercase DNS name). Default: the host name. Env: OUTPOST_NODE_NAME."})
    private String nodeName;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = {"Where the agent keeps its key, certificate, local store and pod data.",
                "Default: ~/.outpost/agent, or /var/lib/outpost/agent as root. Env: OUTPOST_DATA_DIR."})
    private String dataDir;

    @Option(names = "--runtime", paramLabel = "RUNTIME", defaultValue = "process", converter = RuntimeConverter.class,
            description = {"process: each container is a host process running its command.",
                "simulated: no processes (scale tests only; the node is labelled so).",
                "Default: ${DEFAULT-VALUE}. Env: OUTPOST_RUNTIME."})
    private AgentRuntime runtime;

    @Option(names = "--labels", paramLabel = "K=V", split = ",",
            description = {"Labels the node registers with (repeatable, or comma-separated). Env: OUTPOST_LABELS."})
    private List<String> labels = List.of();

    @Option(names = "--pool", paramLabel = "NAME",
            description = {"The node pool this node belongs to (the label " + AgentConfig.POOL_LABEL + "). Env: OUTPOST_POOL."})
    private String pool;

    private final ProcessContext context;

    AgentCommand(ProcessContext context) {
        this.context = context;
    }

    /** The flags as a config; touches nothing on disk. Throws a {@link ParameterException} naming the flag. */
    AgentConfig config() {
        Path dir = dataDir == null ? DataDir.defaultFor(context.root(), context.home()).resolve("agent")
                : DataDir.fromFlag(dataDir, context.home());
        String name = nodeName == null ? localHostName() : nodeName.strip();
        List<String> nameErrors = Names.dns1123Subdomain(name);
        if (!nameErrors.isEmpty()) {
            throw new ParameterException(spec.commandLine(), (nodeName == null ? "the host name '" + name + "'"
                    : "--node-name '" + name + "'") + " is not a valid node name: " + String.join("; ", nameErrors)
                    + ". Fix: pass --node-name with a lowercase DNS name, like edge-01",
                    spec.findOption("--node-name"), name);
        }
        return new AgentConfig(server, Optional.ofNullable(token).map(String::strip).filter(t -> !t.isEmpty()), name,
                dir.toAbsolutePath().normalize(), runtime, nodeLabels());
    }

    private Map<String, String> nodeLabels() {
        Map<String, String> result = new LinkedHashMap<>();
        for (String pair : labels) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair.strip() : pair.substring(0, eq).strip();
            String value = eq < 0 ? null : pair.substring(eq + 1).strip();
            List<String> errors = new java.util.ArrayList<>();
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

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig config = config();
        try {
            DataDir.prepare(config.dataDir());
        } catch (DataDir.Unusable e) {
            throw new ParameterException(spec.commandLine(), "--data-dir " + config.dataDir() + ": " + e.getMessage()
                    + ". Fix: pass a folder this user may write in, or run as one who may write there",
                    spec.findOption("--data-dir"), dataDir);
        }
        new Agent(config).run();
        return 0;
    }

    static final class ServerUrlConverter implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            String v = value.strip();
            try {
                URI uri = new URI(v);
                if ("https".equals(uri.getScheme()) && uri.getHost() != null
                        && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))
                        && uri.getQuery() == null) {
                    return new URI("https", null, uri.getHost(), uri.getPort() < 0 ? ServerConfig.DEFAULT_PORT : uri.getPort(),
                            null, null, null);
                }
            } catch (URISyntaxException e) {
                // below
            }
            throw new TypeConversionException("'" + value + "' is not the server's URL; use https://HOST:PORT,"
                    + " like https://10.0.0.1:6443");
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
