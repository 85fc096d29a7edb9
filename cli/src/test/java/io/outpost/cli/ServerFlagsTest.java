package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import io.outpost.apiserver.pki.SubjectAltName;
import io.outpost.cli.Datastore.Etcd;
import io.outpost.cli.Datastore.Sqlite;
import io.outpost.controllers.ControllerManagers;
import io.outpost.controllers.nodeipam.Ipv4Cidr;
import io.outpost.controllers.nodeipam.NodeIpamSettings;

/** How {@code outpost server}'s flags, their environment twins and the defaults combine. */
class ServerFlagsTest {

    record Case(String name, List<String> args, Map<String, String> env, boolean root, ServerConfig expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Path CWD = Path.of("").toAbsolutePath();

    static Stream<Case> cases() {
        Sqlite sqlite = new Sqlite();
        return Stream.of(
                new Case("with no flags a user's data dir is ~/.outpost and the datastore is sqlite",
                        List.of(), Map.of(), false, new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite)),
                new Case("with no flags root's data dir is /var/lib/outpost",
                        List.of(), Map.of(), true, new ServerConfig(Path.of("/var/lib/outpost"), sqlite)),
                new Case("OUTPOST_DATA_DIR sets the data dir",
                        List.of(), Map.of("OUTPOST_DATA_DIR", "/srv/outpost"), false,
                        new ServerConfig(Path.of("/srv/outpost"), sqlite)),
                new Case("--data-dir wins over OUTPOST_DATA_DIR",
                        List.of("--data-dir", "/data"), Map.of("OUTPOST_DATA_DIR", "/srv/outpost"), false,
                        new ServerConfig(Path.of("/data"), sqlite)),
                new Case("an empty OUTPOST_DATA_DIR counts as unset",
                        List.of(), Map.of("OUTPOST_DATA_DIR", ""), true, new ServerConfig(Path.of("/var/lib/outpost"), sqlite)),
                new Case("a ~ that no shell expanded means the home folder",
                        List.of("--data-dir=~/edge"), Map.of(), false, new ServerConfig(Cli.HOME.resolve("edge"), sqlite)),
                new Case("a relative --data-dir is taken from the current folder",
                        List.of("--data-dir", "state/../data"), Map.of(), false, new ServerConfig(CWD.resolve("data"), sqlite)),
                new Case("OUTPOST_DATASTORE chooses etcd",
                        List.of(), Map.of("OUTPOST_DATASTORE", "etcd://10.0.0.1:2379,10.0.0.2:2379"), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"),
                                new Etcd("etcd://10.0.0.1:2379,10.0.0.2:2379"))),
                new Case("--datastore wins over OUTPOST_DATASTORE",
                        List.of("--datastore", "sqlite"), Map.of("OUTPOST_DATASTORE", "etcd://e1:2379"), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite)),
                new Case("a bad OUTPOST_DATASTORE does not matter when --datastore is given",
                        List.of("--datastore", "sqlite"), Map.of("OUTPOST_DATASTORE", "postgres"), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite)),
                new Case("--port, --bind-address and repeated --tls-san set the API server's listener and names",
                        List.of("--port", "7443", "--bind-address", "10.0.0.5", "--tls-san", "edge.example.com",
                                "--tls-san", "192.168.1.9,fd00::9"), Map.of(), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite, address("10.0.0.5"), 7443,
                                List.of(SubjectAltName.parse("edge.example.com"), SubjectAltName.parse("192.168.1.9"),
                                        SubjectAltName.parse("fd00::9")), Optional.empty())),
                new Case("their environment twins do the same",
                        List.of(), Map.of("OUTPOST_PORT", "0", "OUTPOST_BIND_ADDRESS", "::", "OUTPOST_TLS_SAN", "a.example,b.example",
                                "OUTPOST_TOKEN_AUTH_FILE", "/etc/outpost/tokens.csv"), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite, address("::"), 0,
                                List.of(SubjectAltName.parse("a.example"), SubjectAltName.parse("b.example")),
                                Optional.of(Path.of("/etc/outpost/tokens.csv")))),
                new Case("--scheduler-config names the scheduler's KubeSchedulerConfiguration",
                        List.of("--scheduler-config", "sched.yaml"), Map.of(), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite).withSchedulerConfig(CWD.resolve("sched.yaml"))),
                new Case("OUTPOST_SCHEDULER_CONFIG does the same",
                        List.of(), Map.of("OUTPOST_SCHEDULER_CONFIG", "/etc/outpost/scheduler.yaml"), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite)
                                .withSchedulerConfig(Path.of("/etc/outpost/scheduler.yaml"))),
                new Case("--disable-agent runs the control plane without an agent beside it",
                        List.of("--disable-agent"), Map.of(), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite).withoutLocalAgent()),
                new Case("OUTPOST_DISABLE_AGENT=true does the same",
                        List.of(), Map.of("OUTPOST_DISABLE_AGENT", "true"), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite).withoutLocalAgent()),
                new Case("the node flags describe the agent beside the control plane",
                        List.of("--node-name", "store-12", "--runtime", "simulated", "--labels", "site=s12,zone=a",
                                "--pool", "stores-eu"), Map.of(), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite).withLocalAgent(new LocalAgent(
                                Optional.of("store-12"), AgentConfig.AgentRuntime.SIMULATED, "",
                                Map.of("site", "s12", "zone", "a", AgentConfig.POOL_LABEL, "stores-eu")))),
                new Case("the agent beside the control plane may use an existing containerd",
                        List.of("--runtime", "containerd"), Map.of("OUTPOST_CONTAINER_RUNTIME_ENDPOINT", "unix:///run/containerd/containerd.sock"),
                        false, new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite).withLocalAgent(new LocalAgent(Optional.empty(),
                                AgentConfig.AgentRuntime.CONTAINERD, "unix:///run/containerd/containerd.sock", Map.of()))),
                new Case("--cluster-cidr and --node-cidr-mask-size set what the node IPAM controller divides",
                        List.of("--cluster-cidr", "10.100.0.0/20", "--node-cidr-mask-size", "26"), Map.of(), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite).withControllers(ControllerManagers.Settings.defaults()
                                .withNodeIpam(new NodeIpamSettings(Ipv4Cidr.parse("10.100.0.0/20"), 26)))),
                new Case("their environment twins do the same for the cluster CIDR",
                        List.of(), Map.of("OUTPOST_CLUSTER_CIDR", "10.100.0.0/20", "OUTPOST_NODE_CIDR_MASK_SIZE", "26"), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite).withControllers(ControllerManagers.Settings.defaults()
                                .withNodeIpam(new NodeIpamSettings(Ipv4Cidr.parse("10.100.0.0/20"), 26)))),
                new Case("etcd endpoints may be IPv6 literals",
                        List.of("--datastore=etcd://[::1]:2379"), Map.of(), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), new Etcd("etcd://[::1]:2379"))),
                new Case("--event-ttl takes a Go duration",
                        List.of("--event-ttl", "2h30m"), Map.of(), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite).withEventTtl(Duration.ofMinutes(150))),
                new Case("OUTPOST_EVENT_TTL sets it too, with Go's decimals",
                        List.of(), Map.of("OUTPOST_EVENT_TTL", "1.5h"), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite).withEventTtl(Duration.ofMinutes(90))),
                new Case("--event-ttl 0 keeps events until deleted, as kube-apiserver does with 0",
                        List.of("--event-ttl=0"), Map.of(), false,
                        new ServerConfig(Cli.HOME.resolve(".outpost"), sqlite).withEventTtl(Duration.ZERO)));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void flagsEnvironmentAndDefaults(Case c) {
        ProcessContext context = new ProcessContext(c.env(), Cli.HOME, c.root());

        assertThat(Cli.serverConfig(context, c.args().toArray(String[]::new))).isEqualTo(c.expected());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void everyFlagNamesItsEnvironmentVariableInItsHelp(CommandSpec command) {
        for (OptionSpec option : command.options()) {
            if (EnvDefaults.hasTwin(option)) {
                assertThat(String.join(" ", option.description()))
                        .as(option.longestName())
                        .contains("Env: " + EnvDefaults.variableFor(option) + ".");
            }
        }
    }

    static Stream<CommandSpec> commands() {
        CommandLine root = Main.commandLine(Cli.user(Map.of()));
        return Stream.concat(Stream.of(root), root.getSubcommands().values().stream()).map(CommandLine::getCommandSpec);
    }
}
