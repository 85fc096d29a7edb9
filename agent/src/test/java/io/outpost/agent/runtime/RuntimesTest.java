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
        Runtimes.DefaultChoice c = Runtimes.defaultRuntime(socket, dir.resolve("none"), dir.resolve("none"), dir, "amd64");
        assertThat(c.name()).isEqualTo("containerd");
        assertThat(c.endpoint()).isEqualTo("unix://" + socket);
    }

    @Test
    void installed_containerd_with_ctr_runc_and_cni_means_a_managed_containerd_with_the_agents_own_pause_image() throws Exception {
        executable("ctr");
        executable("bridge");
        Runtimes.DefaultChoice c = Runtimes.defaultRuntime(dir.resolve("no.sock"), executable("containerd"), executable("runc"), dir, "aarch64");
        assertThat(c.name()).isEqualTo("containerd");
        assertThat(c.endpoint()).as("managed").isEmpty();
        assertThat(c.why()).contains("starts and supervises its own", "outpost.invalid/pause:1");
    }

    @Test
    void installed_containerd_for_an_agent_that_is_not_root_means_process_and_the_log_says_why() throws Exception {
        executable("ctr");
        executable("bridge");
        Runtimes.DefaultChoice c = Runtimes.defaultRuntime(dir.resolve("no.sock"), executable("containerd"), executable("runc"), dir,
                "amd64", false);
        assertThat(c.name()).isEqualTo("process");
        assertThat(c.why()).contains("not root").contains("--runtime process");
    }

    @Test
    void this_process_knows_its_effective_uid_as_id_says_it() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        long expected = Long.parseLong(new String(id.getInputStream().readAllBytes()).strip());
        assertThat(id.waitFor()).isZero();
        assertThat(Runtimes.effectiveUid()).isEqualTo(expected);
    }

    @Test
    void installed_containerd_without_the_cni_plugins_means_process_and_the_log_says_what_to_install() throws Exception {
        executable("ctr");
        Runtimes.DefaultChoice c = Runtimes.defaultRuntime(dir.resolve("no.sock"), executable("containerd"), executable("runc"), dir, "amd64");
        assertThat(c.name()).isEqualTo("process");
        assertThat(c.why()).contains(dir.resolve("bridge") + " (containernetworking-plugins", "apt-get install -y containerd runc containernetworking-plugins");
    }

    @Test
    void an_architecture_the_agent_has_no_pause_image_for_means_process_unless_chosen() throws Exception {
        executable("ctr");
        executable("bridge");
        Runtimes.DefaultChoice c = Runtimes.defaultRuntime(dir.resolve("no.sock"), executable("containerd"), executable("runc"), dir, "riscv64");
        assertThat(c.name()).isEqualTo("process");
        assertThat(c.why()).contains("a pause image for riscv64", "--runtime containerd", "outpost images import");
    }

    @Test
    void without_containerd_the_process_runtime_is_chosen_and_the_log_says_what_to_install() throws Exception {
        Runtimes.DefaultChoice c = Runtimes.defaultRuntime(dir.resolve("no.sock"), executable("containerd"), dir.resolve("runc"), dir, "amd64");
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
