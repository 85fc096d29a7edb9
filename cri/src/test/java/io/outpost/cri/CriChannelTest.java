package io.outpost.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.outpost.cri.v1.ContainerConfig;
import io.outpost.cri.v1.ContainerMetadata;
import io.outpost.cri.v1.RuntimeServiceGrpc;

class CriChannelTest {

    @Test
    void a_unix_url_and_a_plain_absolute_path_name_the_same_socket() {
        assertThat(CriChannel.socketPath("unix:///run/containerd/containerd.sock"))
                .isEqualTo(Path.of("/run/containerd/containerd.sock"));
        assertThat(CriChannel.socketPath("/run/containerd/containerd.sock"))
                .isEqualTo(Path.of("/run/containerd/containerd.sock"));
    }

    @Test
    void a_tcp_endpoint_is_refused_naming_the_flag() {
        assertThatThrownBy(() -> CriChannel.socketPath("tcp://127.0.0.1:1234"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--container-runtime-endpoint")
                .hasMessageContaining("unix:///");
    }

    @Test
    void a_relative_unix_path_is_refused() {
        assertThatThrownBy(() -> CriChannel.socketPath("unix://run/containerd.sock"))
                .hasMessageContaining("three slashes");
    }

    @Test
    void the_generated_service_carries_cri_v1_method_names() {
        // containerd routes by the full method name: the package must stay runtime.v1.
        assertThat(RuntimeServiceGrpc.getRunPodSandboxMethod().getFullMethodName())
                .isEqualTo("runtime.v1.RuntimeService/RunPodSandbox");
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("app").setAttempt(2)).build();
        assertThat(config.toByteArray()).startsWith(0x0a); // field 1, length-delimited
    }
}
