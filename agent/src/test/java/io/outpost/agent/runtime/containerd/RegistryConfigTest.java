package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RegistryConfigTest {

    @Test
    void a_k3s_registries_yaml_with_mirrors_and_configs_is_read_in_its_order() throws Exception {
        RegistryConfig c = RegistryConfig.parse("""
                mirrors:
                  docker.io:
                    endpoint:
                      - "http://127.0.0.1:5000"
                      - "https://mirror.example.com"
                  "registry.example.com:5000":
                    endpoint: ["http://registry.example.com:5000"]
                configs:
                  "mirror.example.com":
                    auth: {username: robot, password: s3cret}
                    tls: {ca_file: /etc/ca.pem, insecure_skip_verify: false}
                  "registry.local:5443":
                    tls: {insecure_skip_verify: true}
                """);
        assertThat(c.mirrors()).containsOnlyKeys("docker.io", "registry.example.com:5000");
        assertThat(c.mirrors().get("docker.io").endpoints())
                .containsExactly(URI.create("http://127.0.0.1:5000"), URI.create("https://mirror.example.com"));
        assertThat(c.configs().keySet()).containsExactly("mirror.example.com", "registry.local:5443");
        assertThat(c.configs().get("mirror.example.com").auth()).hasValueSatisfying(a -> {
            assertThat(a.username()).isEqualTo("robot");
            assertThat(a.password()).isEqualTo("s3cret");
            assertThat(a.toString()).doesNotContain("s3cret");
        });
        assertThat(c.configs().get("mirror.example.com").tls().caFile()).isEqualTo("/etc/ca.pem");
        assertThat(c.configs().get("registry.local:5443").tls().insecureSkipVerify()).isTrue();
        assertThat(c.configs().get("registry.local:5443").auth()).isEmpty();
    }

    @Test
    void an_empty_file_configures_nothing() throws Exception {
        assertThat(RegistryConfig.parse("")).isEqualTo(RegistryConfig.EMPTY);
        assertThat(RegistryConfig.parse("# nothing yet\n")).isEqualTo(RegistryConfig.EMPTY);
        assertThat(RegistryConfig.parse("mirrors: {}\nconfigs:\n")).isEqualTo(RegistryConfig.EMPTY);
    }

    record Bad(String name, String yaml, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Bad> badFiles() {
        return Stream.of(
                new Bad("A file that is not YAML is refused", "mirrors: [unclosed", "not YAML"),
                new Bad("A top-level key k3s does not have is named", "mirror:\n  docker.io: {}\n",
                        "mirror: unknown field; the top level takes configs, mirrors"),
                new Bad("An endpoint that is not a URL names its index", "mirrors:\n  docker.io:\n    endpoint: [\"http://ok:5000\", \"127.0.0.1:5000\"]\n",
                        "mirrors.\"docker.io\".endpoint[1]: '127.0.0.1:5000' is not an http:// or https:// URL"),
                new Bad("An endpoint of another scheme is refused", "mirrors:\n  docker.io:\n    endpoint: [\"ftp://x\"]\n",
                        "endpoint[0]: 'ftp://x' is not an http:// or https:// URL"),
                new Bad("A single endpoint not in a list is refused with an example", "mirrors:\n  docker.io:\n    endpoint: http://x\n",
                        "mirrors.\"docker.io\".endpoint: must be a list of URLs"),
                new Bad("k3s's rewrite is refused as containerd cannot do it", "mirrors:\n  docker.io:\n    rewrite: {\"^a/(.*)\": \"b/$1\"}\n",
                        "mirrors.\"docker.io\".rewrite: is not supported"),
                new Bad("A registry named with a scheme is refused", "configs:\n  \"https://r.example.com\":\n    tls: {insecure_skip_verify: true}\n",
                        "configs.\"https://r.example.com\": 'https://r.example.com' is not a registry host[:port]"),
                new Bad("insecure_skip_verify must be a boolean", "configs:\n  r:\n    tls: {insecure_skip_verify: \"yes\"}\n",
                        "configs.r.tls.insecure_skip_verify: must be true or false"),
                new Bad("A TLS key k3s does not have is named with the accepted ones", "configs:\n  r:\n    tls: {ca: /ca.pem}\n",
                        "configs.r.tls.ca: unknown field; configs.r.tls takes ca_file, cert_file, insecure_skip_verify, key_file"),
                new Bad("A client certificate without its key is refused", "configs:\n  r:\n    tls: {cert_file: /c.pem}\n",
                        "configs.r.tls: cert_file and key_file go together"),
                new Bad("An auth that is not base64 of user:password is refused", "configs:\n  r:\n    auth: {auth: bm9jb2xvbg==}\n",
                        "configs.r.auth.auth: is not base64 of user:password"),
                new Bad("An empty auth is refused", "configs:\n  r:\n    auth: {}\n", "configs.r.auth: is empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void a_bad_file_names_the_field_and_what_it_accepts(Bad bad) {
        assertThatThrownBy(() -> RegistryConfig.parse(bad.yaml()))
                .isInstanceOf(RegistryConfig.Invalid.class)
                .hasMessageContaining(bad.message());
    }

    @Test
    void a_file_that_cannot_be_read_is_named(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("registries.yaml");
        assertThatThrownBy(() -> RegistryConfig.load(missing)).hasMessage(missing + " does not exist");
        Files.writeString(missing, "configs: [1]\n");
        assertThatThrownBy(() -> RegistryConfig.load(missing)).hasMessageStartingWith(missing + ": configs: must be a mapping");
    }

    @Test
    void the_wildcard_mirror_is_accepted() throws Exception {
        assertThat(RegistryConfig.parse("mirrors:\n  \"*\":\n    endpoint: [\"http://10.0.0.1:5000\"]\n").mirrors())
                .containsOnlyKeys("*");
    }
}
