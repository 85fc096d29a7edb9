package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CNI conflist follows the node's spec.podCIDR (no containerd is started here). */
class ManagedContainerdPodCidrTest {

    @Test
    void withoutAPodCidrNoConflistCanBeRenderedAndTheNetworkIsNotReady(@TempDir Path dir) {
        ContainerdConfig config = ContainerdConfig.defaults(dir, "");
        assertThat(new ManagedContainerd(config).podCidr()).isEmpty();
        assertThatThrownBy(config::renderCni).hasMessageContaining("spec.podCIDR");
    }

    @Test
    void theNodesPodCidrIsWrittenOnceAndAChangeRewritesIt(@TempDir Path dir) throws Exception {
        ManagedContainerd containerd = new ManagedContainerd(ContainerdConfig.defaults(dir, ""));
        Files.createDirectories(containerd.config().cniConfDir());

        assertThat(containerd.usePodCidr("10.42.3.0/24")).isTrue();
        assertThat(containerd.podCidr()).contains("10.42.3.0/24");
        assertThat(Files.readString(containerd.config().cniConfFile())).contains("\"subnet\":\"10.42.3.0/24\"");
        assertThat(containerd.usePodCidr("10.42.3.0/24")).as("the same CIDR again changes nothing").isFalse();

        assertThat(containerd.usePodCidr("10.42.9.0/24")).isTrue();
        assertThat(Files.readString(containerd.config().cniConfFile())).contains("\"subnet\":\"10.42.9.0/24\"")
                .doesNotContain("10.42.3.0");
    }

    @Test
    void aPodCidrFromTheLocalStoreIsTheOneAtStart(@TempDir Path dir) {
        assertThat(new ManagedContainerd(ContainerdConfig.defaults(dir, "10.42.5.0/24")).podCidr()).contains("10.42.5.0/24");
    }
}
