package io.outpost.agent.runtime.containerd;

import java.util.List;

/**
 * The network side of a pod sandbox that {@link io.outpost.agent.runtime.SandboxConfig} does not
 * carry (CRI {@code PodSandboxConfig.hostname}, {@code dns_config}, {@code port_mappings}): the pod
 * worker computes them as kubelet does ({@code pod.spec.hostname}/{@code subdomain}, the
 * {@code dnsPolicy}, each container port with a {@code hostPort}).
 *
 * @param hostname   empty for the pod's name
 * @param dnsServers empty, with no searches or options, for the host's resolv.conf (containerd's
 *                   behaviour for an unset {@code dns_config})
 */
public record PodNetwork(String hostname, List<String> dnsServers, List<String> dnsSearches, List<String> dnsOptions,
                         List<PortMapping> ports) {

    public static final PodNetwork DEFAULT = new PodNetwork("", List.of(), List.of(), List.of(), List.of());

    public PodNetwork {
        dnsServers = List.copyOf(dnsServers);
        dnsSearches = List.copyOf(dnsSearches);
        dnsOptions = List.copyOf(dnsOptions);
        ports = List.copyOf(ports);
    }

    /**
     * A container port published on the host (CRI {@code PortMapping}); kubelet passes only the
     * ports with a {@code hostPort}.
     *
     * @param protocol {@code TCP}, {@code UDP} or {@code SCTP}
     * @param hostIp   empty for every address
     */
    public record PortMapping(String protocol, int containerPort, int hostPort, String hostIp) {
    }
}
