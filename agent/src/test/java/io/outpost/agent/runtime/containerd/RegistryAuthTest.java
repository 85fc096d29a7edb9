package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RegistryAuthTest {

    private static String secret(String key, String user, String password) {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return "{\"auths\":{\"" + key + "\":{\"auth\":\"" + auth + "\"}}}";
    }

    static Stream<Arguments> matching() {
        return Stream.of(
                Arguments.of("a bare host matches every repository on it", "registry.local:5000", "registry.local:5000/team/app:1", true),
                Arguments.of("a scheme is ignored", "https://registry.local:5000", "registry.local:5000/app", true),
                Arguments.of("a path prefix must match the repository", "registry.local/team", "registry.local/team/app:1", true),
                Arguments.of("a path prefix of another repository does not match", "registry.local/team", "registry.local/teams/app", false),
                Arguments.of("another host does not match", "other.local", "registry.local/app", false),
                Arguments.of("Docker Hub's legacy v1 key matches a short image name", "https://index.docker.io/v1/", "busybox", true),
                Arguments.of("docker.io matches an explicit Docker Hub image", "docker.io", "docker.io/library/busybox:1.36", true),
                Arguments.of("a Docker Hub key does not match a private registry", "docker.io", "registry.local/busybox", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void matching(String name, String key, String image, boolean expected) {
        assertThat(RegistryAuth.forImage(List.of(secret(key, "u", "p")), image).isPresent()).isEqualTo(expected);
    }

    @Test
    void the_first_matching_secret_wins_and_a_malformed_one_is_skipped() {
        Optional<ImagePull.Auth> auth = RegistryAuth.forImage(List.of("not json", secret("other.local", "x", "y"),
                secret("registry.local", "alice", "s3:cret"), secret("registry.local", "bob", "b")), "registry.local/app:1");
        assertThat(auth).hasValueSatisfying(a -> {
            assertThat(a.username()).isEqualTo("alice");
            assertThat(a.password()).isEqualTo("s3:cret");
            assertThat(a.serverAddress()).isEqualTo("registry.local");
            assertThat(a.toString()).doesNotContain("s3:cret");
        });
    }

    @Test
    void username_and_password_fields_work_without_auth() {
        assertThat(RegistryAuth.forImage(List.of("{\"auths\":{\"r.local\":{\"username\":\"u\",\"password\":\"p\"}}}"), "r.local/a"))
                .hasValue(new ImagePull.Auth("r.local", "u", "p"));
    }

    @Test
    void repositories_are_normalised_as_docker_names_them() {
        assertThat(RegistryAuth.repositoryOf("busybox")).isEqualTo("library/busybox");
        assertThat(RegistryAuth.repositoryOf("localhost:5000/a/b:tag")).isEqualTo("a/b");
        assertThat(RegistryAuth.repositoryOf("r.local/a@sha256:abc")).isEqualTo("a");
        assertThat(RegistryAuth.registryOf("team/app")).isEqualTo("docker.io");
    }
}
