package io.outpost.controllers.common;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

/**
 * Which pods back a Service and on which ports: the logic the Endpoints and EndpointSlice
 * controllers share (kube's {@code endpointsliceutil.ShouldPodBeInEndpoints},
 * {@code podutil.FindPort} and the readiness rule of both controllers), pure so it is tested as
 * tables.
 */
public final class ServiceMembers {

    private ServiceMembers() {
    }

    /** One service port resolved against one pod: the Endpoints/EndpointSlice port it yields. */
    public record Port(String name, int port, String protocol, String appProtocol) {
    }

    /**
     * A pod that backs the service: {@code ready} is what the controllers publish as ready
     * (Ready=True, or the service publishes not-ready addresses, and not terminating);
     * {@code serving} ignores termination; {@code ports} are the service ports this pod resolves,
     * in the service's order.
     */
    public record Member(Pod pod, String ip, boolean ready, boolean serving, boolean terminating, List<Port> ports) {
    }

    /** The selector kube's controllers act on: a service with none (null or empty) is left alone. */
    public static Optional<Map<String, String>> selector(Service service) {
        Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
        return selector == null || selector.isEmpty() ? Optional.empty() : Optional.of(selector);
    }

    public static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(l.get(e.getKey())));
    }

    /**
     * The members among {@code pods} (already in the service's namespace), sorted by IP then name.
     * A pod without an IP, or terminated (Succeeded, Failed), is never a member; a terminating pod
     * is one only if {@code includeTerminating} (EndpointSlices show it with terminating=true,
     * Endpoints drop it unless the service publishes not-ready addresses).
     */
    public static List<Member> members(Service service, List<Pod> pods, boolean includeTerminating) {
        Optional<Map<String, String>> selector = selector(service);
        if (selector.isEmpty()) {
            return List.of();
        }
        boolean publishNotReady = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
        List<Member> members = new ArrayList<>();
        for (Pod pod : pods) {
            if (!selects(selector.get(), pod.getMetadata().getLabels())) {
                continue;
            }
            String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
            if (ip == null || ip.isEmpty() || "Succeeded".equals(phase) || "Failed".equals(phase)) {
                continue;
            }
            if (terminating && !includeTerminating && !publishNotReady) {
                continue;
            }
            boolean serving = publishNotReady || Pods.isReady(pod);
            List<Port> ports = new ArrayList<>();
            for (ServicePort sp : service.getSpec().getPorts() == null ? List.<ServicePort>of() : service.getSpec().getPorts()) {
                resolve(sp, pod).ifPresent(n -> ports.add(new Port(sp.getName(), n,
                        sp.getProtocol() == null ? "TCP" : sp.getProtocol(), sp.getAppProtocol())));
            }
            members.add(new Member(pod, ip, serving && (!terminating || publishNotReady), serving, terminating, List.copyOf(ports)));
        }
        members.sort(Comparator.comparing(Member::ip).thenComparing(m -> m.pod().getMetadata().getName()));
        return members;
    }

    /**
     * The pod's port for a service port (kube's {@code podutil.FindPort}): a numeric targetPort as
     * it is, none at all meaning the service port itself, and a name looked up among the pod's
     * container ports of the same protocol; a name the pod does not declare leaves the pod out of
     * that port.
     */
    public static Optional<Integer> resolve(ServicePort sp, Pod pod) {
        IntOrString target = sp.getTargetPort();
        if (target == null || (target.getIntVal() == null && target.getStrVal() == null)) {
            return Optional.ofNullable(sp.getPort());
        }
        if (target.getIntVal() != null) {
            return Optional.of(target.getIntVal());
        }
        String protocol = sp.getProtocol() == null ? "TCP" : sp.getProtocol();
        List<Container> containers = pod.getSpec() == null || pod.getSpec().getContainers() == null
                ? List.of() : pod.getSpec().getContainers();
        for (Container c : containers) {
            for (ContainerPort cp : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
                String cpProtocol = cp.getProtocol() == null ? "TCP" : cp.getProtocol();
                if (target.getStrVal().equals(cp.getName()) && protocol.equals(cpProtocol)) {
                    return Optional.ofNullable(cp.getContainerPort());
                }
            }
        }
        return Optional.empty();
    }
}
