package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryHostsTest {

    @Test
    void a_mirrored_registry_lists_its_endpoints_in_order_then_falls_back_to_itself() throws Exception {
        Map<String, String> files = RegistryHosts.render(RegistryConfig.parse("""
                mirrors:
                  docker.io:
                    endpoint: ["http://127.0.0.1:5000", "https://mirror.example.com"]
                configs:
                  mirror.example.com:
                    tls: {ca_file: /etc/ca.pem, cert_file: /c.pem, key_file: /k.pem}
                """));
        assertThat(files.get("docker.io")).contains("server = \"https://registry-1.docker.io\"\n"
                + "\n[host.\"http://127.0.0.1:5000\"]\n  capabilities = [\"pull\", \"resolve\"]\n"
                + "\n[host.\"https://mirror.example.com\"]\n  capabilities = [\"pull\", \"resolve\"]\n"
                + "  ca = \"/etc/ca.pem\"\n  client = [[\"/c.pem\", \"/k.pem\"]]\n");
        // the mirror's own directory too: an image may name it directly
        assertThat(files.get("mirror.example.com")).contains("server = \"https://mirror.example.com\"\n", "ca = \"/etc/ca.pem\"");
    }

    @Test
    void a_registry_only_in_configs_gets_its_tls_settings_and_credentials_alone_get_no_file() throws Exception {
        Map<String, String> files = RegistryHosts.render(RegistryConfig.parse("""
                configs:
                  "registry.local:5443":
                    tls: {insecure_skip_verify: true}
                  "private.example.com":
                    auth: {username: u, password: p}
                """));
        assertThat(files).containsOnlyKeys("registry.local:5443");
        assertThat(files.get("registry.local:5443")).contains("server = \"https://registry.local:5443\"\nskip_verify = true\n");
    }

    @Test
    void the_tls_of_a_mirrored_registry_applies_to_the_registry_itself() throws Exception {
        Map<String, String> files = RegistryHosts.render(RegistryConfig.parse("""
                mirrors:
                  "registry.local:5443":
                    endpoint: ["http://registry.local:5000"]
                configs:
                  "registry.local:5443":
                    tls: {insecure_skip_verify: true}
                """));
        assertThat(files).containsOnlyKeys("registry.local:5443");
        assertThat(files.get("registry.local:5443")).contains("server = \"https://registry.local:5443\"\nskip_verify = true\n"
                + "\n[host.\"http://registry.local:5000\"]\n");
    }

    @Test
    void the_wildcard_mirror_is_containerds_default_directory_without_a_server() throws Exception {
        Map<String, String> files = RegistryHosts.render(RegistryConfig.parse("mirrors:\n  \"*\":\n    endpoint: [\"http://10.0.0.1:5000\"]\n"));
        assertThat(files).containsOnlyKeys("_default");
        assertThat(files.get("_default")).doesNotContain("server =").contains("[host.\"http://10.0.0.1:5000\"]");
    }

    @Test
    void writing_replaces_what_an_earlier_start_wrote(@TempDir Path dir) throws Exception {
        Path hosts = dir.resolve("certs.d");
        RegistryHosts.write(hosts, RegistryConfig.parse("mirrors:\n  old.example.com:\n    endpoint: [\"http://x:1\"]\n"));
        assertThat(hosts.resolve("old.example.com/hosts.toml")).exists();
        RegistryHosts.write(hosts, RegistryConfig.parse("mirrors:\n  \"127.0.0.1:5000\":\n    endpoint: [\"http://127.0.0.1:5000\"]\n"));
        assertThat(hosts.resolve("old.example.com")).doesNotExist();
        assertThat(Files.readString(hosts.resolve("127.0.0.1:5000/hosts.toml"))).contains("[host.\"http://127.0.0.1:5000\"]");
    }
}
