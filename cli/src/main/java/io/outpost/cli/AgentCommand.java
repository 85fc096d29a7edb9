package io.outpost.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.outpost.apiserver.validation.Names;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
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

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = {"Where the agent keeps its key, certificate, local store and pod data.",
                "Default: ~/.outpost/agent, or /var/lib/outpost/agent as root. Env: OUTPOST_DATA_DIR."})
    private String dataDir;

    @Mixin
    private NodeOptions node = new NodeOptions();

    private final ProcessContext context;

    AgentCommand(ProcessContext context) {
        this.context = context;
    }

    /** The flags as a config; touches nothing on disk. Throws a {@link ParameterException} naming the flag. */
    AgentConfig config() {
        Path dir = dataDir == null ? DataDir.defaultFor(context.root(), context.home()).resolve("agent")
                : DataDir.fromFlag(dataDir, context.home());
        String name = node.nodeName(spec).orElseGet(NodeOptions::localHostName);
        if (!Names.dns1123Subdomain(name).isEmpty()) {
            throw new ParameterException(spec.commandLine(), "the host name '" + name + "' is not a valid node name: "
                    + String.join("; ", Names.dns1123Subdomain(name)) + ". Fix: pass --node-name with a lowercase DNS name,"
                    + " like edge-01", spec.findOption("--node-name"), name);
        }
        return new AgentConfig(server, Optional.ofNullable(token).map(String::strip).filter(t -> !t.isEmpty()), name,
                dir.toAbsolutePath().normalize(), node.runtime(), node.containerRuntimeEndpoint(spec), node.labels(spec),
                node.registryConfig());
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
        NodeOptions.checkRegistryConfig(spec, config.registryConfigFile(), config.registryConfig().isPresent());
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
}
