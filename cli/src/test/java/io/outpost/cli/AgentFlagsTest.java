package io.outpost.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.outpost.cli.AgentConfig.AgentRuntime;

/** How {@code outpost agent}'s flags, their environment twins and the defaults combine, and what bad ones get. */
class AgentFlagsTest {

    record Case(String name, List<String> args, Map<String, String> env, boolean root, AgentConfig expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final URI SERVER = URI.create("https://10.0.0.1:6443");

    static Stream<Case> cases() {
        return Stream.of(
                new Case("with only --server and --node-name a user's agent keeps its state in ~/.outpost/agent and picks its runtime at start",
                        List.of("--server", "https://10.0.0.1:6443", "--node-name", "edge-1"), Map.of(), false,
                        new AgentConfig(SERVER, Optional.empty(), "edge-1", Cli.HOME.resolve(".outpost/agent"),
                                AgentRuntime.DEFAULT, "", Map.of())),
                new Case("root's agent keeps it in /var/lib/outpost/agent",
                        List.of("--server", "https://10.0.0.1:6443", "--node-name", "edge-1"), Map.of(), true,
                        new AgentConfig(SERVER, Optional.empty(), "edge-1", Path.of("/var/lib/outpost/agent"),
                                AgentRuntime.DEFAULT, "", Map.of())),
                new Case("a server URL without a port gets 6443",
                        List.of("--server", "https://10.0.0.1", "--node-name", "edge-1"), Map.of(), false,
                        new AgentConfig(SERVER, Optional.empty(), "edge-1", Cli.HOME.resolve(".outpost/agent"),
                                AgentRuntime.DEFAULT, "", Map.of())),
                new Case("every flag has its OUTPOST_ twin",
                        List.of(), Map.of("OUTPOST_SERVER", "https://10.0.0.1:6443", "OUTPOST_TOKEN", "K10ab::abcdef.0123456789abcdef",
                                "OUTPOST_NODE_NAME", "edge-2", "OUTPOST_DATA_DIR", "/data/agent", "OUTPOST_RUNTIME", "simulated",
                                "OUTPOST_LABELS", "site=s1", "OUTPOST_POOL", "stores"), false,
                        new AgentConfig(SERVER, Optional.of("K10ab::abcdef.0123456789abcdef"), "edge-2", Path.of("/data/agent"),
                                AgentRuntime.SIMULATED, "", Map.of("site", "s1", AgentConfig.POOL_LABEL, "stores"))),
                new Case("--runtime containerd with --container-runtime-endpoint uses an existing containerd",
                        List.of("--server", "https://10.0.0.1:6443", "--node-name", "edge-1", "--runtime", "containerd",
                                "--container-runtime-endpoint", "unix:///run/containerd/containerd.sock"), Map.of(), false,
                        new AgentConfig(SERVER, Optional.empty(), "edge-1", Cli.HOME.resolve(".outpost/agent"),
                                AgentRuntime.CONTAINERD, "unix:///run/containerd/containerd.sock", Map.of())),
                new Case("a bare socket path in OUTPOST_CONTAINER_RUNTIME_ENDPOINT is a unix URL, as kubelet takes it",
                        List.of("--server", "https://10.0.0.1:6443", "--node-name", "edge-1"),
                        Map.of("OUTPOST_CONTAINER_RUNTIME_ENDPOINT", "/run/k3s/containerd/containerd.sock"), false,
                        new AgentConfig(SERVER, Optional.empty(), "edge-1", Cli.HOME.resolve(".outpost/agent"),
                                AgentRuntime.DEFAULT, "unix:///run/k3s/containerd/containerd.sock", Map.of())),
                new Case("--runtime containerd without an endpoint manages its own containerd",
                        List.of("--server", "https://10.0.0.1:6443", "--node-name", "edge-1", "--runtime", "containerd"), Map.of(), false,
                        new AgentConfig(SERVER, Optional.empty(), "edge-1", Cli.HOME.resolve(".outpost/agent"),
                                AgentRuntime.CONTAINERD, "", Map.of())),
                new Case("--registry-config names a k3s registries.yaml for the managed containerd",
                        List.of("--server", "https://10.0.0.1:6443", "--node-name", "edge-1", "--registry-config", "/etc/outpost/registries.yaml"),
                        Map.of(), false,
                        new AgentConfig(SERVER, Optional.empty(), "edge-1", Cli.HOME.resolve(".outpost/agent"),
                                AgentRuntime.DEFAULT, "", Map.of(), Optional.of(Path.of("/etc/outpost/registries.yaml")))),
                new Case("--labels may repeat and split on commas; --pool adds its label",
                        List.of("--server", "https://10.0.0.1:6443", "--node-name", "edge-1", "--labels", "a=1,b=2",
                                "--labels", "example.com/c=", "--pool", "p1"), Map.of(), false,
                        new AgentConfig(SERVER, Optional.empty(), "edge-1", Cli.HOME.resolve(".outpost/agent"),
                                AgentRuntime.DEFAULT, "", Map.of("a", "1", "b", "2", "example.com/c", "", AgentConfig.POOL_LABEL, "p1"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void flagsEnvironmentAndDefaults(Case c) {
        ProcessContext context = new ProcessContext(c.env(), Cli.HOME, c.root());

        assertThat(Cli.agentConfig(context, c.args().toArray(String[]::new))).isEqualTo(c.expected());
    }

    record Bad(String name, List<String> args, List<String> messages) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badInput() {
        return Stream.of(
                new Bad("no --server", List.of("--node-name", "edge-1"), List.of("--server")),
                new Bad("a plain-http server", List.of("--server", "http://10.0.0.1:6443"),
                        List.of("'http://10.0.0.1:6443' is not the server's URL", "https://HOST:PORT")),
                new Bad("a node name with capitals", List.of("--server", "https://h:6443", "--node-name", "Edge_1"),
                        List.of("--node-name 'Edge_1' is not a valid node name", "Fix: pass a lowercase DNS name")),
                new Bad("a label without '='", List.of("--server", "https://h:6443", "--node-name", "e", "--labels", "site"),
                        List.of("--labels 'site' is not a label", "write key=value")),
                new Bad("a label value with a space", List.of("--server", "https://h:6443", "--node-name", "e", "--labels", "a=b c"),
                        List.of("--labels 'a=b c' is not a label", "value:")),
                new Bad("a pool that is no DNS label", List.of("--server", "https://h:6443", "--node-name", "e", "--pool", "EU"),
                        List.of("--pool 'EU' is not a pool name")),
                new Bad("an unknown runtime", List.of("--server", "https://h:6443", "--node-name", "e", "--runtime", "docker"),
                        List.of("'docker' is not a runtime; use containerd, process or simulated")),
                new Bad("an endpoint that is no unix socket",
                        List.of("--server", "https://h:6443", "--node-name", "e", "--container-runtime-endpoint", "tcp://h:1"),
                        List.of("--container-runtime-endpoint 'tcp://h:1' is not a unix socket URL", "unix:///run/containerd/containerd.sock")),
                new Bad("an endpoint with the process runtime",
                        List.of("--server", "https://h:6443", "--node-name", "e", "--runtime", "process",
                                "--container-runtime-endpoint", "unix:///run/containerd/containerd.sock"),
                        List.of("--container-runtime-endpoint is for the containerd runtime, not --runtime process",
                                "Fix: pass --runtime containerd")));
    }

    record BadRegistries(String name, boolean viaFlag, String yaml, List<String> messages) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadRegistries> badRegistries() {
        return Stream.of(
                new BadRegistries("a registries file given with --registry-config that names no URL is refused naming the flag, file and field",
                        true, "mirrors:\n  docker.io:\n    endpoint: [\"127.0.0.1:5000\"]\n",
                        List.of("--registry-config: ", "mirrors.\"docker.io\".endpoint[0]: '127.0.0.1:5000' is not an http:// or https:// URL",
                                "Fix the file (k3s's registries.yaml format), or leave the flag out")),
                new BadRegistries("the default DATA/registries.yaml is read too, and a mistake in it is named as the default",
                        false, "configs:\n  r:\n    tls: {insecure_skip_verify: maybe}\n",
                        List.of("--registry-config (default): ", "registries.yaml: configs.r.tls.insecure_skip_verify: must be true or false",
                                "or remove it")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRegistries")
    void aBadRegistriesFileIsAUsageErrorBeforeTheAgentStarts(BadRegistries c, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path data = dir.resolve("agent");
        Path file = c.viaFlag() ? dir.resolve("mine.yaml") : data.resolve("registries.yaml");
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, c.yaml());
        List<String> args = new java.util.ArrayList<>(List.of("agent", "--data-dir", data.toString(), "--server", "https://127.0.0.1:1",
                "--node-name", "e"));
        if (c.viaFlag()) {
            args.addAll(List.of("--registry-config", file.toString()));
        }
        Cli run = Cli.run(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(c.messages()).contains(file.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badFlagsAreUsageErrorsNamingTheFlagAndTheFix(Bad c) {
        List<String> args = new java.util.ArrayList<>(List.of("agent", "--data-dir", "/nonexistent/never-created"));
        args.addAll(c.args());
        Cli run = Cli.run(args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(c.messages()).contains("Run 'outpost agent --help' for usage.");
    }
}
