package io.outpost.controllers.endpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.outpost.controllers.common.ServiceMembers;
import io.outpost.controllers.common.ServiceMembers.Member;
import io.outpost.controllers.common.ServiceMembers.Port;

/**
 * An Endpoints object's subsets from a service's members, already packed as kube's
 * {@code endpoints.RepackSubsets} leaves them: one subset per distinct set of resolved ports, its
 * addresses sorted by IP, ready ones in {@code addresses} and the rest in
 * {@code notReadyAddresses}. A pod that resolves none of a service's ports backs no subset
 * (kube's controller logs and skips it); a service with no ports (headless) gets address-only
 * subsets.
 */
final class Subsets {

    private Subsets() {
    }

    static List<EndpointSubset> of(List<Member> members, boolean servicehasPorts) {
        Map<List<Port>, EndpointSubsetBuilder> byPorts = new LinkedHashMap<>();
        for (Member m : members) {
            if (servicehasPorts && m.ports().isEmpty()) {
                continue;
            }
            EndpointSubsetBuilder subset = byPorts.computeIfAbsent(m.ports(), ports -> new EndpointSubsetBuilder()
                    .withPorts(ports.stream().map(Subsets::port).toList()));
            if (m.ready()) {
                subset.addToAddresses(address(m));
            } else {
                subset.addToNotReadyAddresses(address(m));
            }
        }
        List<EndpointSubset> subsets = new ArrayList<>();
        byPorts.values().forEach(b -> subsets.add(b.build()));
        return subsets;
    }

    static List<EndpointSubset> of(io.fabric8.kubernetes.api.model.Service service,
                                   List<io.fabric8.kubernetes.api.model.Pod> pods) {
        boolean hasPorts = service.getSpec().getPorts() != null && !service.getSpec().getPorts().isEmpty();
        return of(ServiceMembers.members(service, pods, false), hasPorts);
    }

    private static EndpointPort port(Port p) {
        return new EndpointPortBuilder().withName(p.name()).withPort(p.port()).withProtocol(p.protocol())
                .withAppProtocol(p.appProtocol()).build();
    }

    private static EndpointAddress address(Member m) {
        var meta = m.pod().getMetadata();
        return new EndpointAddressBuilder().withIp(m.ip())
                .withNodeName(m.pod().getSpec() == null ? null : m.pod().getSpec().getNodeName())
                .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withNamespace(meta.getNamespace())
                        .withName(meta.getName()).withUid(meta.getUid()).build())
                .build();
    }
}
