package io.outpost.controllers.endpointslice;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.outpost.controllers.common.ServiceMembers.Member;
import io.outpost.controllers.common.ServiceMembers.Port;

/**
 * The EndpointSlices a service should have, from its members (kube's
 * {@code pkg/controller/endpointslice} reconciler, simplified): one slice per distinct set of
 * resolved ports, split at {@link #MAX_ENDPOINTS} endpoints (kube's
 * {@code --max-endpoints-per-slice} default), each endpoint with kube's ready, serving and
 * terminating conditions, its node and its pod.
 *
 * <p>Names are derived, not generated: {@code <service>-<hash of the ports>[-<n>]}. kube uses
 * generateName and finds its slices by label; a derived name makes a create from a stale cache
 * fail with AlreadyExists (and retry) instead of leaving a duplicate slice behind.
 */
final class Slices {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
    static final String MANAGED_BY = "endpointslice-controller.k8s.io";
    static final int MAX_ENDPOINTS = 100;

    private Slices() {
    }

    static List<EndpointSlice> desired(Service service, List<Member> members) {
        boolean hasPorts = service.getSpec().getPorts() != null && !service.getSpec().getPorts().isEmpty();
        Map<List<Port>, List<Endpoint>> byPorts = new LinkedHashMap<>();
        for (Member m : members) {
            if ((hasPorts && m.ports().isEmpty()) || !m.ip().contains(".")) {
                continue; // IPv4 slices only: an IPv6 pod IP would need an IPv6 slice
            }
            byPorts.computeIfAbsent(m.ports(), p -> new ArrayList<>()).add(endpoint(m));
        }
        List<EndpointSlice> slices = new ArrayList<>();
        byPorts.forEach((ports, endpoints) -> {
            for (int i = 0; i < endpoints.size(); i += MAX_ENDPOINTS) {
                String name = service.getMetadata().getName() + "-" + hash(ports) + (i == 0 ? "" : "-" + i / MAX_ENDPOINTS);
                slices.add(slice(service, name, ports, endpoints.subList(i, Math.min(endpoints.size(), i + MAX_ENDPOINTS))));
            }
        });
        return slices;
    }

    /** The labels kube puts on a managed slice: the service's own, then the two it selects slices by. */
    static Map<String, String> labels(Service service) {
        Map<String, String> labels = new HashMap<>(service.getMetadata().getLabels() == null
                ? Map.of() : service.getMetadata().getLabels());
        labels.put(SERVICE_NAME_LABEL, service.getMetadata().getName());
        labels.put(MANAGED_BY_LABEL, MANAGED_BY);
        return labels;
    }

    /** Whether {@code current} already says what {@code desired} does (the only fields we write). */
    static boolean same(EndpointSlice current, EndpointSlice desired) {
        return desired.getEndpoints().equals(nullToEmpty(current.getEndpoints()))
                && desired.getPorts().equals(nullToEmpty(current.getPorts()))
                && desired.getAddressType().equals(current.getAddressType())
                && desired.getMetadata().getLabels().equals(current.getMetadata().getLabels())
                && desired.getMetadata().getOwnerReferences().equals(current.getMetadata().getOwnerReferences());
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static EndpointSlice slice(Service service, String name, List<Port> ports, List<Endpoint> endpoints) {
        var meta = service.getMetadata();
        return new EndpointSliceBuilder().withNewMetadata().withName(name).withNamespace(meta.getNamespace())
                .withLabels(labels(service))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Service")
                        .withName(meta.getName()).withUid(meta.getUid()).withController(true)
                        .withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withAddressType("IPv4")
                .withPorts(ports.stream().map(Slices::port).toList())
                .withEndpoints(List.copyOf(endpoints))
                .build();
    }

    private static EndpointPort port(Port p) {
        return new EndpointPortBuilder().withName(p.name()).withPort(p.port()).withProtocol(p.protocol())
                .withAppProtocol(p.appProtocol()).build();
    }

    private static Endpoint endpoint(Member m) {
        var meta = m.pod().getMetadata();
        return new EndpointBuilder().withAddresses(m.ip())
                .withNewConditions().withReady(m.ready()).withServing(m.serving()).withTerminating(m.terminating())
                .endConditions()
                .withNodeName(m.pod().getSpec() == null ? null : m.pod().getSpec().getNodeName())
                .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace(meta.getNamespace())
                        .withName(meta.getName()).withUid(meta.getUid()).build())
                .build();
    }

    /** Eight hex digits naming a port set, stable across restarts. */
    static String hash(List<Port> ports) {
        CRC32 crc = new CRC32();
        crc.update(ports.toString().getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }
}
