package io.outpost.agent.runtime.containerd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import io.outpost.agent.runtime.ContainerConfig;
import io.outpost.agent.runtime.ContainerState;
import io.outpost.agent.runtime.ContainerStatus;
import io.outpost.agent.runtime.Mount;
import io.outpost.agent.runtime.Resources;
import io.outpost.agent.runtime.SandboxConfig;
import io.outpost.cri.v1.LinuxContainerResources;
import io.outpost.cri.v1.NamespaceMode;
import io.outpost.cri.v1.PodSandboxConfig;
import io.outpost.cri.v1.SecurityProfile;

class CriMappingTest {

    static Stream<Arguments> resources() {
        return Stream.of(
                Arguments.of("no request or limit gets kubelet's minimum shares and no quota",
                        new Resources(0, 0, 0), 2L, 0L, 0L, 0L),
                Arguments.of("a 250m request is 256 shares",
                        new Resources(0, 250, 0), 256L, 0L, 0L, 0L),
                Arguments.of("a 500m limit is a 50 ms quota per 100 ms period, and the request defaults to it",
                        new Resources(500, 0, 0), 512L, 100_000L, 50_000L, 0L),
                Arguments.of("a 1m limit is raised to the 1 ms minimum quota",
                        new Resources(1, 1, 0), 2L, 100_000L, 1_000L, 0L),
                Arguments.of("a memory limit passes through in bytes",
                        new Resources(0, 100, 64L << 20), 102L, 0L, 0L, 64L << 20));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void resources(String name, Resources in, long shares, long period, long quota, long memory) {
        LinuxContainerResources r = CriMapping.resources(in);
        assertThat(r.getCpuShares()).isEqualTo(shares);
        assertThat(r.getCpuPeriod()).isEqualTo(period);
        assertThat(r.getCpuQuota()).isEqualTo(quota);
        assertThat(r.getMemoryLimitInBytes()).isEqualTo(memory);
    }

    @Test
    void a_pod_network_sandbox_gets_its_hostname_dns_and_host_ports() {
        SandboxConfig c = new SandboxConfig("web", "prod", "u1", 1, Path.of("/logs/prod_web_u1"), false, Map.of("app", "web"));
        PodNetwork net = new PodNetwork("", List.of("10.43.0.10"), List.of("prod.svc.cluster.local"), List.of("ndots:5"),
                List.of(new PodNetwork.PortMapping("TCP", 80, 8080, "")));
        PodSandboxConfig s = CriMapping.sandbox(c, net);
        assertThat(s.getMetadata().getName()).isEqualTo("web");
        assertThat(s.getMetadata().getAttempt()).isEqualTo(1);
        assertThat(s.getHostname()).isEqualTo("web");
        assertThat(s.getDnsConfig().getServersList()).containsExactly("10.43.0.10");
        assertThat(s.getPortMappings(0).getHostPort()).isEqualTo(8080);
        assertThat(s.getLinux().getSecurityContext().getNamespaceOptions().getNetwork()).isEqualTo(NamespaceMode.POD);
        assertThat(s.getLabelsMap()).containsEntry("app", "web").containsEntry(CriMapping.OWNER_LABEL, CriMapping.OWNER);

        SandboxConfig back = CriMapping.sandboxConfig(s.getMetadata(), s.getLabelsMap(), s.getAnnotationsMap());
        assertThat(back).isEqualTo(c);
    }

    @Test
    void a_host_network_sandbox_uses_the_node_namespace_and_no_hostname() {
        SandboxConfig c = new SandboxConfig("agent", "kube-system", "u2", 0, Path.of("/logs/x"), true, Map.of());
        PodSandboxConfig s = CriMapping.sandbox(c, PodNetwork.DEFAULT);
        assertThat(s.getHostname()).isEmpty();
        assertThat(s.hasDnsConfig()).isFalse();
        assertThat(s.getLinux().getSecurityContext().getNamespaceOptions().getNetwork()).isEqualTo(NamespaceMode.NODE);
    }

    @Test
    void a_container_config_survives_the_round_trip_through_cri_annotations() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("B", "2=two");
        env.put("A", "");
        ContainerConfig c = new ContainerConfig("app", 3, "docker.io/local/busybox:latest", List.of("sh", "-c"),
                List.of("echo hi; sleep 1", ""), "/work", env, List.of(new Mount(Path.of("/vol/cfg"), "/etc/cfg", true)),
                new Resources(500, 250, 1 << 20), Path.of("/logs/prod_web_u1/app/3.log"), Map.of("io.outpost/pod-uid", "u1"));
        var cri = CriMapping.container("s1", c, Path.of("/logs/prod_web_u1"), ContainerSecurity.DEFAULT);
        assertThat(cri.getLogPath()).isEqualTo("app/3.log");
        assertThat(cri.getAnnotationsMap()).containsEntry(CriMapping.SANDBOX_ID, "s1");
        assertThat(cri.getEnvsList()).extracting(kv -> kv.getKey()).containsExactly("B", "A");

        var status = io.outpost.cri.v1.ContainerStatus.newBuilder().setId("c1").setMetadata(cri.getMetadata())
                .setState(io.outpost.cri.v1.ContainerState.CONTAINER_EXITED).setCreatedAt(1_000_000_000L).setExitCode(137)
                .setReason("OOMKilled").setImage(cri.getImage()).putAllLabels(cri.getLabelsMap())
                .putAllAnnotations(cri.getAnnotationsMap()).addAllMounts(cri.getMountsList()).setLogPath("/logs/prod_web_u1/app/3.log")
                .build();
        ContainerStatus back = CriMapping.status(status, "s1");
        assertThat(back.config()).isEqualTo(c);
        assertThat(back.state()).isEqualTo(ContainerState.EXITED);
        assertThat(back.reason()).isEqualTo("OOMKilled");
        assertThat(back.exitCode()).isEqualTo(137);
        assertThat(back.startedAt()).isNull();
    }

    static Stream<Arguments> exitReasons() {
        return Stream.of(
                Arguments.of("exit 0 with no reason from the runtime is Completed", 0, "", "Completed"),
                Arguments.of("a non-zero exit with no reason is Error", 2, "", "Error"),
                Arguments.of("the runtime's reason wins", 137, "OOMKilled", "OOMKilled"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void exitReasons(String name, int code, String reason, String expected) {
        var s = io.outpost.cri.v1.ContainerStatus.newBuilder().setId("c").setState(io.outpost.cri.v1.ContainerState.CONTAINER_EXITED)
                .setExitCode(code).setReason(reason).build();
        assertThat(CriMapping.status(s, "").reason()).isEqualTo(expected);
    }

    @Test
    void security_context_fields_pass_through() {
        ContainerSecurity s = new ContainerSecurity(1000L, 2000L, List.of(3000L), true, false, List.of("NET_ADMIN"), List.of("ALL"),
                "Localhost", "/profiles/p.json", "RuntimeDefault", "", true);
        var cri = CriMapping.security(s);
        assertThat(cri.getRunAsUser().getValue()).isEqualTo(1000);
        assertThat(cri.getRunAsGroup().getValue()).isEqualTo(2000);
        assertThat(cri.getReadonlyRootfs()).isTrue();
        assertThat(cri.getNoNewPrivs()).isTrue();
        assertThat(cri.getCapabilities().getDropCapabilitiesList()).containsExactly("ALL");
        assertThat(cri.getSeccomp().getProfileType()).isEqualTo(SecurityProfile.ProfileType.Localhost);
        assertThat(cri.getSeccomp().getLocalhostRef()).isEqualTo("/profiles/p.json");
        assertThat(cri.getApparmor().getProfileType()).isEqualTo(SecurityProfile.ProfileType.RuntimeDefault);
        assertThat(CriMapping.security(ContainerSecurity.DEFAULT).hasRunAsUser()).isFalse();
    }

    @Test
    void the_sandbox_id_is_read_from_containerds_verbose_info() {
        assertThat(CriMapping.sandboxIdFromInfo(Map.of("info", "{\"sandboxID\": \"abc123\", \"pid\": 7}"))).isEqualTo("abc123");
        assertThat(CriMapping.sandboxIdFromInfo(Map.of())).isEmpty();
    }
}
