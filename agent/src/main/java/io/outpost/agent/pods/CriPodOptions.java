package io.outpost.agent.pods;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.outpost.agent.runtime.containerd.ContainerSecurity;
import io.outpost.agent.runtime.containerd.ImagePull;
import io.outpost.agent.runtime.containerd.PodNetwork;
import io.outpost.agent.runtime.containerd.RegistryAuth;
import io.outpost.agent.state.DesiredState;

/**
 * What kubelet computes from a pod's spec for CRI beyond the plain sandbox and container configs:
 * the sandbox's hostname, DNS and host ports ({@code kuberuntime_sandbox.go
 * generatePodSandboxConfig}), a container's merged security context ({@code
 * kuberuntime_container_linux.go}, {@code security_context.go}) and how its image is pulled
 * (pull policy and the {@code imagePullSecrets} credentials, {@code image_manager.go}).
 *
 * <p>Thread model: pure functions, but {@link #imagePull} reads the desired state and
 * {@link #podNetwork} the host's {@code /etc/resolv.conf}; called from a pod's worker.
 */
final class CriPodOptions {

    /** The key of a {@code kubernetes.io/dockerconfigjson} Secret's document. */
    static final String DOCKER_CONFIG_JSON = ".dockerconfigjson";

    private CriPodOptions() {
    }

    /**
     * The sandbox's network settings. kubelet's {@code GeneratePodHostNameAndDomain}: the pod's
     * {@code spec.hostname}, else its name (here: empty, which the runtime reads as the name); a
     * host-network pod keeps the node's. DNS follows {@code dnsPolicy} as kubelet's {@code
     * dns.GetPodDNS} does on a node with no cluster DNS configured: {@code ClusterFirst} falls back
     * to {@code Default} (the host's resolv.conf, which containerd copies for an unset DNS
     * config); {@code None} takes {@code dnsConfig} only; otherwise {@code dnsConfig} is appended
     * to the host's. Host ports: every container port with a {@code hostPort}.
     */
    static PodNetwork podNetwork(Pod pod, Path hostResolvConf) {
        var spec = pod.getSpec();
        boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
        String hostname = hostNetwork || spec.getHostname() == null ? "" : spec.getHostname();
        List<String> servers = new ArrayList<>();
        List<String> searches = new ArrayList<>();
        List<String> options = new ArrayList<>();
        PodDNSConfig extra = spec.getDnsConfig();
        if ("None".equals(spec.getDnsPolicy()) || extra != null) {
            if (!"None".equals(spec.getDnsPolicy())) {
                readResolvConf(hostResolvConf, servers, searches, options);
            }
            if (extra != null) {
                servers.addAll(orEmpty(extra.getNameservers()));
                searches.addAll(orEmpty(extra.getSearches()));
                for (var o : orEmpty(extra.getOptions())) {
                    options.add(o.getValue() == null ? o.getName() : o.getName() + ":" + o.getValue());
                }
            }
        }
        List<PodNetwork.PortMapping> ports = new ArrayList<>();
        List<Container> all = new ArrayList<>(orEmpty(spec.getInitContainers()));
        all.addAll(orEmpty(spec.getContainers()));
        for (Container c : all) {
            for (ContainerPort p : orEmpty(c.getPorts())) {
                if (p.getHostPort() != null && p.getHostPort() > 0) {
                    ports.add(new PodNetwork.PortMapping(p.getProtocol() == null ? "TCP" : p.getProtocol(), p.getContainerPort(),
                            p.getHostPort(), p.getHostIP() == null ? "" : p.getHostIP()));
                }
            }
        }
        return new PodNetwork(hostname, servers, searches, options, ports);
    }

    private static void readResolvConf(Path file, List<String> servers, List<String> searches, List<String> options) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return; // kubelet too goes on with what dnsConfig gives
        }
        for (String line : lines) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 2 || f[0].startsWith("#") || f[0].startsWith(";")) {
                continue;
            }
            switch (f[0]) {
                case "nameserver" -> servers.add(f[1]);
                case "search", "domain" -> searches.addAll(List.of(f).subList(1, f.length));
                case "options" -> options.addAll(List.of(f).subList(1, f.length));
                default -> {
                }
            }
        }
    }

    /**
     * The container's security context merged with the pod's, the container's winning field by
     * field (kubelet's {@code DetermineEffectiveSecurityContext}); seccomp and AppArmor profiles
     * likewise. {@code noNewPrivileges} is set only by {@code allowPrivilegeEscalation: false}
     * ({@code AddNoNewPrivileges}).
     */
    static ContainerSecurity security(Pod pod, Container c) {
        PodSecurityContext ps = pod.getSpec().getSecurityContext();
        SecurityContext cs = c.getSecurityContext();
        if (ps == null && cs == null) {
            return ContainerSecurity.DEFAULT;
        }
        Long runAsUser = cs != null && cs.getRunAsUser() != null ? cs.getRunAsUser() : ps == null ? null : ps.getRunAsUser();
        Long runAsGroup = cs != null && cs.getRunAsGroup() != null ? cs.getRunAsGroup() : ps == null ? null : ps.getRunAsGroup();
        List<Long> groups = new ArrayList<>(ps == null ? List.of() : orEmpty(ps.getSupplementalGroups()));
        if (ps != null && ps.getFsGroup() != null && !groups.contains(ps.getFsGroup())) {
            groups.add(ps.getFsGroup()); // kubelet adds fsGroup to the supplemental groups
        }
        Capabilities caps = cs == null ? null : cs.getCapabilities();
        String seccomp = "";
        String seccompProfile = "";
        var sp = cs != null && cs.getSeccompProfile() != null ? cs.getSeccompProfile() : ps == null ? null : ps.getSeccompProfile();
        if (sp != null) {
            seccomp = sp.getType() == null ? "" : sp.getType();
            seccompProfile = sp.getLocalhostProfile() == null ? "" : sp.getLocalhostProfile();
        }
        String apparmor = "";
        String apparmorProfile = "";
        var ap = cs != null && cs.getAppArmorProfile() != null ? cs.getAppArmorProfile() : ps == null ? null : ps.getAppArmorProfile();
        if (ap != null) {
            apparmor = ap.getType() == null ? "" : ap.getType();
            apparmorProfile = ap.getLocalhostProfile() == null ? "" : ap.getLocalhostProfile();
        }
        return new ContainerSecurity(runAsUser, runAsGroup, groups,
                cs != null && Boolean.TRUE.equals(cs.getReadOnlyRootFilesystem()),
                cs != null && Boolean.TRUE.equals(cs.getPrivileged()),
                caps == null ? List.of() : orEmpty(caps.getAdd()), caps == null ? List.of() : orEmpty(caps.getDrop()),
                seccomp, seccompProfile, apparmor, apparmorProfile,
                cs != null && Boolean.FALSE.equals(cs.getAllowPrivilegeEscalation()));
    }

    /**
     * The container's pull policy (the API server defaults it; if absent, its rule: {@code Always}
     * for an image tagged {@code :latest} or untagged, else {@code IfNotPresent}) and the
     * credentials of the first {@code imagePullSecrets} entry that matches the image's registry.
     * A secret this node does not have (yet) is skipped, as kubelet skips one it cannot read.
     */
    static ImagePull imagePull(Pod pod, Container c, DesiredState desired) {
        String image = c.getImage() == null ? "" : c.getImage();
        ImagePull.Policy policy = c.getImagePullPolicy() == null || c.getImagePullPolicy().isBlank()
                ? defaultPolicy(image) : ImagePull.Policy.of(c.getImagePullPolicy());
        List<String> docs = new ArrayList<>();
        for (LocalObjectReference ref : orEmpty(pod.getSpec().getImagePullSecrets())) {
            if (ref.getName() == null) {
                continue;
            }
            desired.secret(pod.getMetadata().getNamespace(), ref.getName())
                    .map(s -> s.getData() == null ? null : s.getData().get(DOCKER_CONFIG_JSON))
                    .flatMap(CriPodOptions::decode)
                    .ifPresent(docs::add);
        }
        return new ImagePull(policy, RegistryAuth.forImage(docs, image).orElse(null));
    }

    private static Optional<String> decode(String base64) {
        try {
            return Optional.of(new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The API server's default ({@code SetDefaults_Container}). */
    static ImagePull.Policy defaultPolicy(String image) {
        String name = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        boolean tagged = colon > slash;
        if (image.contains("@")) {
            return ImagePull.Policy.IF_NOT_PRESENT;
        }
        return !tagged || name.endsWith(":latest") ? ImagePull.Policy.ALWAYS : ImagePull.Policy.IF_NOT_PRESENT;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
