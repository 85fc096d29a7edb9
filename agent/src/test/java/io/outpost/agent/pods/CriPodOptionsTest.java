package io.outpost.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.outpost.agent.runtime.containerd.ContainerSecurity;
import io.outpost.agent.runtime.containerd.ImagePull;
import io.outpost.agent.runtime.containerd.PodNetwork;
import io.outpost.agent.testing.InMemoryDesiredState;
import io.outpost.agent.testing.Pods;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the pod worker hands containerd beyond the plain configs, computed from the pod as kubelet does. */
class CriPodOptionsTest {

    @TempDir
    Path dir;

    record SecurityCase(String name, UnaryOperator<PodBuilder> pod, ContainerSecurity expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<SecurityCase> security() {
        return Stream.of(
                new SecurityCase("a pod without security contexts gets the runtime's defaults", p -> p, ContainerSecurity.DEFAULT),
                new SecurityCase("the pod's user, group, fsGroup and seccomp apply to a container that sets none",
                        p -> p.editSpec().withNewSecurityContext().withRunAsUser(1000L).withRunAsGroup(2000L).withFsGroup(3000L)
                                .withSupplementalGroups(4000L).withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                                .endSecurityContext().endSpec(),
                        new ContainerSecurity(1000L, 2000L, List.of(4000L, 3000L), false, false, List.of(), List.of(),
                                "RuntimeDefault", "", "", "", false)),
                new SecurityCase("the container's fields win over the pod's, field by field",
                        p -> p.editSpec().withNewSecurityContext().withRunAsUser(1000L).withRunAsGroup(2000L).endSecurityContext()
                                .editFirstContainer().withNewSecurityContext().withRunAsUser(0L).withReadOnlyRootFilesystem(true)
                                .withPrivileged(true).withAllowPrivilegeEscalation(false).withNewCapabilities().withAdd("NET_ADMIN")
                                .withDrop("ALL").endCapabilities().withNewSeccompProfile().withType("Localhost")
                                .withLocalhostProfile("profiles/audit.json").endSeccompProfile().withNewAppArmorProfile()
                                .withType("Localhost").withLocalhostProfile("k8s-deny-write").endAppArmorProfile()
                                .endSecurityContext().endContainer().endSpec(),
                        new ContainerSecurity(0L, 2000L, List.of(), true, true, List.of("NET_ADMIN"), List.of("ALL"),
                                "Localhost", "profiles/audit.json", "Localhost", "k8s-deny-write", true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("security")
    void securityContextsMergeAsKubeletMergesThem(SecurityCase c) {
        Pod pod = c.pod().apply(Pods.shell("p", "true")).build();

        assertThat(CriPodOptions.security(pod, pod.getSpec().getContainers().getFirst())).isEqualTo(c.expected());
    }

    @Test
    void theSandboxGetsTheHostnameHostPortsAndTheHostsDnsWithDnsConfigAppended() throws Exception {
        Path resolv = Files.writeString(dir.resolve("resolv.conf"), "# host\nnameserver 10.0.0.2\nsearch lan\noptions ndots:1\n");
        Pod pod = Pods.shell("web", "true").editSpec().withHostname("web-0").withNewDnsConfig().withNameservers("1.1.1.1")
                .addNewOption().withName("edns0").endOption().endDnsConfig().editFirstContainer().addNewPort().withContainerPort(80)
                .withHostPort(8080).endPort().addNewPort().withContainerPort(53).withProtocol("UDP").withHostPort(5353)
                .withHostIP("127.0.0.1").endPort().addNewPort().withContainerPort(9090).endPort().endContainer().endSpec().build();

        PodNetwork network = CriPodOptions.podNetwork(pod, resolv);

        assertThat(network).isEqualTo(new PodNetwork("web-0", List.of("10.0.0.2", "1.1.1.1"), List.of("lan"),
                List.of("ndots:1", "edns0"), List.of(new PodNetwork.PortMapping("TCP", 80, 8080, ""),
                        new PodNetwork.PortMapping("UDP", 53, 5353, "127.0.0.1"))));
    }

    @Test
    void dnsPolicyNoneTakesOnlyTheDnsConfigAndAPlainPodLeavesDnsToTheRuntime() throws Exception {
        Path resolv = Files.writeString(dir.resolve("resolv.conf"), "nameserver 10.0.0.2\n");
        Pod none = Pods.shell("n", "true").editSpec().withDnsPolicy("None").withNewDnsConfig().withNameservers("9.9.9.9")
                .withSearches("svc.local").endDnsConfig().endSpec().build();
        Pod plain = Pods.shell("p", "true").editSpec().withDnsPolicy("ClusterFirst").endSpec().build();

        assertThat(CriPodOptions.podNetwork(none, resolv)).isEqualTo(new PodNetwork("", List.of("9.9.9.9"), List.of("svc.local"),
                List.of(), List.of()));
        assertThat(CriPodOptions.podNetwork(plain, resolv)).isEqualTo(PodNetwork.DEFAULT);
    }

    @Test
    void thePullPolicyDefaultsAsTheApiServerDoesAndTheMatchingPullSecretGivesTheCredentials() {
        InMemoryDesiredState desired = new InMemoryDesiredState();
        String json = "{\"auths\":{\"registry.example.com:5000\":{\"username\":\"robot\",\"password\":\"s3cret\"}}}";
        desired.put(new SecretBuilder().withNewMetadata().withNamespace("default").withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(CriPodOptions.DOCKER_CONFIG_JSON, Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)))
                .build());
        Pod pod = Pods.shell("p", "true").editSpec().addNewImagePullSecret("absent").addNewImagePullSecret("regcred")
                .editFirstContainer().withImage("registry.example.com:5000/team/app:2").withImagePullPolicy("Never").endContainer()
                .endSpec().build();
        Container c = pod.getSpec().getContainers().getFirst();

        assertThat(CriPodOptions.imagePull(pod, c, desired)).isEqualTo(new ImagePull(ImagePull.Policy.NEVER,
                new ImagePull.Auth("registry.example.com:5000", "robot", "s3cret")));
        c.setImage("docker.io/library/busybox:1.36");
        c.setImagePullPolicy(null);
        assertThat(CriPodOptions.imagePull(pod, c, desired)).isEqualTo(new ImagePull(ImagePull.Policy.IF_NOT_PRESENT, null));
        assertThat(CriPodOptions.defaultPolicy("busybox")).isEqualTo(ImagePull.Policy.ALWAYS);
        assertThat(CriPodOptions.defaultPolicy("localhost:5000/busybox:latest")).isEqualTo(ImagePull.Policy.ALWAYS);
        assertThat(CriPodOptions.defaultPolicy("localhost:5000/busybox")).isEqualTo(ImagePull.Policy.ALWAYS);
        assertThat(CriPodOptions.defaultPolicy("busybox@sha256:" + "a".repeat(64))).isEqualTo(ImagePull.Policy.IF_NOT_PRESENT);
    }
}
