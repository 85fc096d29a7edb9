package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Services: names are DNS-1035 labels (kube's {@code ValidateServiceName}: they become DNS names
 * and environment variables); ports are required unless the service is headless or ExternalName.
 * Defaults as kube's {@code SetDefaults_Service}: type ClusterIP, sessionAffinity None, each port
 * TCP with targetPort = port, the traffic policies Cluster.
 *
 * <p>Not yet: clusterIP/clusterIPs, ipFamilies and ipFamilyPolicy are set by kube's IP allocator in
 * the service registry; Outpost has no allocator yet, so they stay as the client sent them, and
 * nodePorts are not allocated either.
 */
final class ServiceValidation implements KindStrategy {

    private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    private static final List<String> AFFINITIES = List.of("ClientIP", "None");

    @Override
    public Names.Rule nameRule() {
        return Names.Rule.DNS1035_LABEL;
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Trees.object(object, "spec");
        Trees.defaultText(spec, "type", "ClusterIP");
        Trees.defaultText(spec, "sessionAffinity", "None");
        String type = Trees.text(spec, "type");
        if (!type.equals("ExternalName")) {
            Trees.defaultText(spec, "internalTrafficPolicy", "Cluster");
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            Trees.defaultText(spec, "externalTrafficPolicy", "Cluster");
        }
        for (ObjectNode port : Trees.objects(spec, "ports")) {
            Trees.defaultText(port, "protocol", "TCP");
            JsonNode target = port.path("targetPort");
            if (Trees.absent(port, "targetPort") || (target.isNumber() && target.asLong() == 0) || (target.isString() && target.stringValue().isEmpty())) {
                port.set("targetPort", port.path("port").deepCopy());
            }
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode object) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = object.path("spec");
        String type = Trees.text(spec, "type");
        if (!TYPES.contains(type)) {
            errs.add(FieldError.notSupported("spec.type", type, TYPES));
        }
        boolean headless = Trees.text(spec, "clusterIP").equals("None");
        if (type.equals("ExternalName") && Trees.text(spec, "externalName").isEmpty()) {
            errs.add(FieldError.required("spec.externalName", ""));
        }
        int count = spec.path("ports").size();
        if (count == 0 && !headless && !type.equals("ExternalName")) {
            errs.add(FieldError.required("spec.ports", ""));
        }
        Set<String> names = new HashSet<>();
        int i = 0;
        for (ObjectNode port : Trees.objects(spec, "ports")) {
            String at = "spec.ports[" + i++ + "].";
            String name = Trees.text(port, "name");
            if (name.isEmpty()) {
                if (count > 1) {
                    errs.add(FieldError.required(at + "name", ""));
                }
            } else {
                Names.dns1123Label(name).forEach(m -> errs.add(FieldError.invalid(at + "name", name, m)));
                if (!names.add(name)) {
                    errs.add(FieldError.duplicate(at + "name", name));
                }
            }
            long number = port.path("port").asLong(0);
            Names.portNumber(number).forEach(m -> errs.add(FieldError.invalid(at + "port", number, m)));
            PodSpecValidation.protocol(port, at, errs);
            JsonNode target = port.path("targetPort");
            if (target.isNumber()) {
                Names.portNumber(target.asLong()).forEach(m -> errs.add(FieldError.invalid(at + "targetPort", target.asLong(), m)));
            } else if (target.isString()) {
                Names.portName(target.stringValue()).forEach(m -> errs.add(FieldError.invalid(at + "targetPort", target.stringValue(), m)));
            }
        }
        String affinity = Trees.text(spec, "sessionAffinity");
        if (!AFFINITIES.contains(affinity)) {
            errs.add(FieldError.notSupported("spec.sessionAffinity", affinity, AFFINITIES));
        }
        return errs;
    }
}
