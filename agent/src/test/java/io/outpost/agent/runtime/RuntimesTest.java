package io.outpost.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimesTest {

    @TempDir
    Path dir;

    private Path executable(String name) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @Test
    void an_existing_containerd_socket_is_used_as_the_endpoint() throws Exception {
        Path socket = Files.createFile(dir.resolve("containerd.sock"));
        Runtimes.DefaultChoice c = Runtimes.defaultRuntime(socket, dir.resolve("none"), dir.resolve("none"));
        assertThat(c.name()).isEqualTo("containerd");
        assertThat(c.endpoint()).isEqualTo("unix://" + socket);
    }

    @Test
    void installed_but_not_running_containerd_means_process_and_the_log_says_how_to_choose_a_managed_one() throws Exception {
        Runtimes.DefaultChoice c = Runtimes.defaultRuntime(dir.resolve("no.sock"), executable("containerd"), executable("runc"));
        assertThat(c.name()).isEqualTo("process");
        assertThat(c.why()).contains("--runtime containerd", "outpost images import", "docker.io/local/pause:1");
    }

    @Test
    void without_containerd_the_process_runtime_is_chosen_and_the_log_says_what_to_install() throws Exception {
        Runtimes.DefaultChoice c = Runtimes.defaultRuntime(dir.resolve("no.sock"), executable("containerd"), dir.resolve("runc"));
        assertThat(c.name()).isEqualTo("process");
        assertThat(c.why()).contains("apt-get install -y containerd runc");
    }

    @Test
    void an_unknown_runtime_names_the_flag_and_the_choices() {
        assertThatThrownBy(() -> Runtimes.create("docker", dir, Clock.systemUTC(), "127.0.0.1"))
                .hasMessageContaining("--runtime docker").hasMessageContaining("containerd, process or simulated");
    }

    @Test
    void a_tcp_runtime_endpoint_is_refused_naming_the_flag() {
        assertThatThrownBy(() -> Runtimes.create("containerd", dir, Clock.systemUTC(), "127.0.0.1", "tcp://127.0.0.1:1"))
                .hasMessageContaining("--container-runtime-endpoint");
    }
}
