package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ContainerdConfigTest {

    private final ContainerdConfig config = new ContainerdConfig(Path.of("/var/lib/outpost/containerd"), Path.of("/usr/bin/containerd"),
            Path.of("/usr/bin/runc"), Path.of("/usr/lib/cni"), "docker.io/local/pause:1", "10.42.0.0/24", "outpost0",
            new RegistryConfig(Map.of("docker.io", new RegistryConfig.Mirror(List.of(URI.create("http://127.0.0.1:5000")))),
                    Map.of("registry.local:5443", new RegistryConfig.HostConfig(
                            Optional.of(new RegistryConfig.Auth("robot", "s3cret", "", "")), RegistryConfig.Tls.NONE))));

    @Test
    void the_toml_keeps_every_path_under_the_data_dir_and_sets_what_this_host_needs() {
        String toml = config.renderToml();
        assertThat(toml).contains("version = 2\n")
                .contains("root = \"/var/lib/outpost/containerd/root\"")
                .contains("address = \"/var/lib/outpost/containerd/containerd.sock\"")
                .contains("restrict_oom_score_adj = true")
                .contains("sandbox_image = \"docker.io/local/pause:1\"")
                .contains("BinaryName = \"/usr/bin/runc\"")
                .contains("conf_dir = \"/var/lib/outpost/containerd/cni/net.d\"")
                // mirrors and TLS in hosts.toml directories; containerd 1.6 refuses them inline beside config_path
                .contains("[plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"/var/lib/outpost/containerd/certs.d\"")
                .doesNotContain("registry.mirrors").doesNotContain(".tls]")
                // credentials stay in registry.configs, which the CRI plugin still reads beside config_path
                .contains("[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"registry.local:5443\".auth]\n"
                        + "  username = \"robot\"\n  password = \"s3cret\"\n");
    }

    @Test
    void the_cni_conflist_is_a_bridge_over_the_pod_cidr_with_portmap() {
        String cni = config.renderCni();
        assertThat(cni).contains("\"type\":\"bridge\"").contains("\"bridge\":\"outpost0\"")
                .contains("\"subnet\":\"10.42.0.0/24\"").contains("\"type\":\"portmap\"")
                .contains("\"dataDir\":\"/var/lib/outpost/containerd/cni/ipam\"");
    }

    @Test
    void a_bridge_name_over_fifteen_characters_is_refused() {
        assertThatThrownBy(() -> new ContainerdConfig(Path.of("/x"), Path.of("/c"), Path.of("/r"), Path.of("/cni"), "p",
                "10.42.0.0/24", "a-very-long-bridge", RegistryConfig.EMPTY))
                .hasMessageContaining("15 characters");
    }

    @Test
    void a_pod_cidr_that_is_not_ipv4_is_refused_with_an_example() {
        assertThatThrownBy(() -> ContainerdConfig.defaults(Path.of("/x"), "10.42.0.0"))
                .hasMessageContaining("10.42.0.0/24");
    }
}
