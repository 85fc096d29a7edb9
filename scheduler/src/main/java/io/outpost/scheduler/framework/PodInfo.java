package io.outpost.scheduler.framework;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod with what the plugins read from it often, computed once when it enters the cache or the
 * queue: its requests, its host ports, its labels. Immutable.
 */
public record PodInfo(Pod pod, Resources requests, Resources nonZeroRequests, List<HostPort> hostPorts,
        Map<String, String> labels) {

    /** A port the pod takes on its node's network ({@code hostPort}); ip "0.0.0.0" means every address. */
    public record HostPort(String ip, String protocol, int port) {
        public boolean conflictsWith(HostPort other) {
            return port == other.port && protocol.equals(other.protocol)
                    && (ip.equals(other.ip) || ip.equals("0.0.0.0") || other.ip.equals("0.0.0.0"));
        }
    }

    public static PodInfo of(Pod pod) {
        List<HostPort> ports = new ArrayList<>();
        if (pod.getSpec() != null) {
            for (Container c : Resources.nullToEmpty(pod.getSpec().getContainers())) {
                for (ContainerPort p : Resources.nullToEmpty(c.getPorts())) {
                    if (p.getHostPort() != null && p.getHostPort() > 0) {
                        String ip = p.getHostIP() == null || p.getHostIP().isEmpty() ? "0.0.0.0" : p.getHostIP();
                        String protocol = p.getProtocol() == null ? "TCP" : p.getProtocol();
                        ports.add(new HostPort(ip, protocol, p.getHostPort()));
                    }
                }
            }
        }
        Map<String, String> labels = pod.getMetadata() == null || pod.getMetadata().getLabels() == null
                ? Map.of() : pod.getMetadata().getLabels();
        return new PodInfo(pod, Resources.requestsOf(pod, false), Resources.requestsOf(pod, true), List.copyOf(ports),
                labels);
    }

    public String namespace() {
        return pod.getMetadata().getNamespace();
    }

    public String name() {
        return pod.getMetadata().getName();
    }

    public String uid() {
        return pod.getMetadata().getUid();
    }

    /** namespace/name, as events and logs name a pod. */
    public String key() {
        return namespace() + "/" + name();
    }

    public int priority() {
        Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
        return p == null ? 0 : p;
    }

    public boolean hasAffinity() {
        var a = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
        return a != null && (a.getPodAffinity() != null || a.getPodAntiAffinity() != null);
    }

    public boolean hasRequiredAntiAffinity() {
        var a = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
        return a != null && a.getPodAntiAffinity() != null
                && !Resources.nullToEmpty(a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                        .isEmpty();
    }
}
