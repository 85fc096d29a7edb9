package io.outpost.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.netty.util.NetUtil;
import io.outpost.apiserver.auth.TokenFile;
import io.outpost.apiserver.pki.SubjectAltName;
import io.outpost.controllers.ControllerManagers;
import io.outpost.controllers.nodeipam.Ipv4Cidr;
import io.outpost.controllers.nodeipam.NodeIpamSettings;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code outpost server}: parses its flags into a {@link ServerConfig} and runs a {@link Server}. */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Runs the control plane: the datastore and the Kubernetes API over HTTPS.",
            "Writes DIR/admin.kubeconfig for kubectl.",
            "Runs until stopped with Ctrl-C or SIGTERM; exits 0 after a clean stop.", ""},
        footer = {"", "Each flag can also be set by its environment variable; a flag on the command line wins."})
final class ServerCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = {"Where the server keeps its state; created with mode 0700 if missing.",
                "Default: ~/.outpost, or /var/lib/outpost as root. Env: OUTPOST_DATA_DIR."})
    private String dataDir;

    @Option(names = "--datastore", paramLabel = "STORE", defaultValue = "sqlite",
            converter = DatastoreConverter.class,
            description = {"sqlite: the embedded database DIR/db/state.db.",
                "etcd://h1:2379,h2:2379: an etcd cluster (one or more HOST:PORT).",
                "Default: ${DEFAULT-VALUE}. Env: OUTPOST_DATASTORE."})
    private Datastore datastore;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "6443", converter = PortConverter.class,
            description = {"The API server's HTTPS port (0: any free port). Default: ${DEFAULT-VALUE}. Env: OUTPOST_PORT."})
    private int port;

    @Option(names = "--bind-address", paramLabel = "ADDR", defaultValue = "127.0.0.1", converter = AddressConverter.class,
            description = {"The IP address to listen on; 0.0.0.0 or :: for every interface.",
                "Default: ${DEFAULT-VALUE}. Env: OUTPOST_BIND_ADDRESS."})
    private InetAddress bindAddress;

    @Option(names = "--tls-san", paramLabel = "NAME", split = ",", converter = SanConverter.class,
            description = {"Another DNS name or IP address for the serving certificate (repeatable, or comma-separated);",
                "localhost, 127.0.0.1, ::1 and the host name are always in it. Env: OUTPOST_TLS_SAN."})
    private List<SubjectAltName> tlsSans = new ArrayList<>();

    @Option(names = "--token-auth-file", paramLabel = "FILE",
            description = {"Static bearer tokens, in kube-apiserver's CSV format: token,user,uid,\"group1,group2\".",
                "Env: OUTPOST_TOKEN_AUTH_FILE."})
    private Path tokenAuthFile;

    @Option(names = "--scheduler-config", paramLabel = "FILE",
            description = {"The scheduler's KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1, YAML): profiles",
                "by schedulerName, plugins enabled and disabled, score weights, plugin args.",
                "Default: one profile, default-scheduler, with the default plugins. Env: OUTPOST_SCHEDULER_CONFIG."})
    private Path schedulerConfig;

    @Option(names = "--cluster-cidr", paramLabel = "CIDR", defaultValue = NodeIpamSettings.DEFAULT_CLUSTER_CIDR,
            converter = CidrConverter.class,
            description = {"The IPv4 range pods get their addresses from; each node is given a subnet of it",
                "(spec.podCIDR, kube-controller-manager's range allocator), which its CNI bridge uses.",
                "Default: ${DEFAULT-VALUE} (k3s's). Env: OUTPOST_CLUSTER_CIDR."})
    private Ipv4Cidr clusterCidr;

    @Option(names = "--node-cidr-mask-size", paramLabel = "BITS", defaultValue = "" + NodeIpamSettings.DEFAULT_NODE_MASK_SIZE,
            description = {"The prefix length of each node's subnet of --cluster-cidr: /24 gives a node 254 pod",
                "addresses and a /16 cluster 256 nodes. Default: ${DEFAULT-VALUE}. Env: OUTPOST_NODE_CIDR_MASK_SIZE."})
    private int nodeCidrMaskSize;

    @Option(names = "--disable-agent",
            description = {"Run the control plane only: no agent beside it, so this machine is no node.",
                "Without it, the server also runs an agent (with the node flags below) that joins with DATA/node-token",
                "and keeps its state in DATA/agent. Env: OUTPOST_DISABLE_AGENT."})
    private boolean disableAgent;

    @Option(names = "--event-ttl", paramLabel = "DURATION", defaultValue = "1h", converter = EventTtlConverter.class,
            description = {"How long an Event is kept after its latest write, as kube-apiserver's --event-ttl (Go duration:",
                "1h, 30m, 2h30m); 0 keeps events until deleted. Default: ${DEFAULT-VALUE}. Env: OUTPOST_EVENT_TTL."})
    private Duration eventTtl;

    @Mixin
    private NodeOptions node = new NodeOptions();

    private final ProcessContext context;

    ServerCommand(ProcessContext context) {
        this.context = context;
    }

    /** The flags as a config; touches nothing on disk. */
    ServerConfig config() {
        Path dir = dataDir == null ? DataDir.defaultFor(context.root(), context.home())
                : DataDir.fromFlag(dataDir, context.home());
        return new ServerConfig(dir.toAbsolutePath().normalize(), datastore, bindAddress, port, tlsSans,
                Optional.ofNullable(tokenAuthFile).map(f -> f.toAbsolutePath().normalize()),
                Optional.ofNullable(schedulerConfig).map(f -> f.toAbsolutePath().normalize()),
                ControllerManagers.Settings.defaults().withNodeIpam(nodeIpam()),
                disableAgent ? Optional.empty() : Optional.of(new LocalAgent(node.nodeName(spec), node.runtime(),
                        node.containerRuntimeEndpoint(spec), node.labels(spec), node.registryConfig())), eventTtl);
    }

    /** The two IPAM flags together; a combination kube would refuse is a usage error naming them. */
    private NodeIpamSettings nodeIpam() {
        try {
            return new NodeIpamSettings(clusterCidr, nodeCidrMaskSize);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), spec.findOption("--node-cidr-mask-size"),
                    Integer.toString(nodeCidrMaskSize));
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = config();
        try {
            DataDir.prepare(config.dataDir());
        } catch (DataDir.Unusable e) {
            throw new ParameterException(spec.commandLine(), "--data-dir " + config.dataDir() + ": " + e.getMessage()
                    + ". Fix: pass a folder this user may write in, or run as one who may write there",
                    spec.findOption("--data-dir"), dataDir);
        }
        config.localAgent().ifPresent(local -> NodeOptions.checkRegistryConfig(spec, local.registryConfigFile(config.dataDir()),
                local.registryConfig().isPresent()));
        if (config.tokenAuthFile().isPresent()) {
            // Read now so that a mistake in it is a usage error before anything starts; the server reads it again.
            try {
                TokenFile.load(config.tokenAuthFile().get());
            } catch (TokenFile.Invalid e) {
                throw new ParameterException(spec.commandLine(), "--token-auth-file: " + e.getMessage()
                        + ". Fix the file, or leave the flag out to allow client certificates only",
                        spec.findOption("--token-auth-file"), config.tokenAuthFile().get().toString());
            }
        }
        if (config.schedulerConfig().isPresent()) {
            // Read now, as the token file: a mistake in it is a usage error before anything starts.
            try {
                Scheduling.configuration(config);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--scheduler-config: " + e.getMessage()
                        + ". Fix the file, or leave the flag out to run default-scheduler with the default plugins",
                        spec.findOption("--scheduler-config"), config.schedulerConfig().get().toString());
            }
        }
        new Server(config).run();
        return 0;
    }

    /**
     * {@code --event-ttl}: a Go duration of at least a second, or 0. kube-apiserver keeps events
     * with no lease when the ttl is 0 (they never expire), so 0 means that here too; it counts the
     * ttl in whole seconds, so a shorter one would silently be 0, and a negative one makes etcd
     * refuse every event's lease: both are usage errors here.
     */
    static final class EventTtlConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration ttl = GoDurationConverter.parse(value);
            if (ttl == null) {
                throw new TypeConversionException("'" + value + "' is not a duration; use Go's form like 1h, 90m or 2h30m"
                        + " (0 keeps events until deleted)");
            }
            if (ttl.isNegative() || (!ttl.isZero() && ttl.compareTo(Duration.ofSeconds(1)) < 0)) {
                throw new TypeConversionException("'" + value + "' is not a ttl; use a duration of at least 1s like 1h"
                        + " (the default), or 0 to keep events until deleted");
            }
            return ttl;
        }
    }

    static final class PortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int port = Integer.parseInt(value.strip());
                if (port >= 0 && port <= 65_535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new TypeConversionException("'" + value + "' is not a port; use a number from 1 to 65535 (0: any free port)");
        }
    }

    static final class AddressConverter implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String value) {
            String v = value.strip();
            byte[] address = NetUtil.createByteArrayFromIpAddressString(v.startsWith("[") && v.endsWith("]")
                    ? v.substring(1, v.length() - 1) : v);
            if (address == null) {
                throw new TypeConversionException("'" + value + "' is not an IP address; use one of this host's addresses,"
                        + " like 127.0.0.1 or 10.0.0.5, or 0.0.0.0 (or ::) for all");
            }
            try {
                return InetAddress.getByAddress(address);
            } catch (UnknownHostException e) {
                throw new TypeConversionException("'" + value + "' is not an IP address");
            }
        }
    }

    static final class SanConverter implements ITypeConverter<SubjectAltName> {
        @Override
        public SubjectAltName convert(String value) {
            try {
                return SubjectAltName.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class CidrConverter implements ITypeConverter<Ipv4Cidr> {
        @Override
        public Ipv4Cidr convert(String value) {
            try {
                return Ipv4Cidr.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class DatastoreConverter implements ITypeConverter<Datastore> {
        @Override
        public Datastore convert(String value) {
            try {
                return Datastore.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
