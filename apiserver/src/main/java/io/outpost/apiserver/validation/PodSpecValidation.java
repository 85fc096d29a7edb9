package io.outpost.apiserver.validation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * kube's {@code ValidatePodSpec} for the essential fields, under a path prefix ({@code spec.} for
 * a Pod, {@code spec.template.spec.} for a template): containers present, named by unique DNS-1123
 * labels, with an image; ports in range with a known protocol; the policies' enums.
 */
final class PodSpecValidation {

    static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
    static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    static final List<String> MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

    private PodSpecValidation() {
    }

    /** @param path the spec's path with its trailing dot: {@code spec.} */
    static List<FieldError> validate(JsonNode spec, String path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (Trees.objects(spec, "containers").iterator().hasNext()) {
            containers(spec, path + "initContainers", names, errs);
            containers(spec, path + "containers", names, errs);
        } else {
            errs.add(FieldError.required(path + "containers", ""));
        }
        enumField(spec, "restartPolicy", path, RESTART_POLICIES, errs);
        enumField(spec, "dnsPolicy", path, DNS_POLICIES, errs);
        for (String field : new String[] {"nodeName", "serviceAccountName"}) {
            String value = Trees.text(spec, field);
            if (!value.isEmpty()) {
                Names.dns1123Subdomain(value).forEach(m -> errs.add(FieldError.invalid(path + field, value, m)));
            }
        }
        if (!Trees.absent(spec, "activeDeadlineSeconds") && spec.path("activeDeadlineSeconds").asLong(0) <= 0) {
            errs.add(FieldError.invalid(path + "activeDeadlineSeconds", spec.get("activeDeadlineSeconds"),
                    "must be between 1 and 2147483647, inclusive"));
        }
        return errs;
    }

    private static void containers(JsonNode spec, String path, Set<String> names, List<FieldError> errs) {
        int i = 0;
        for (ObjectNode c : Trees.objects(spec, path.substring(path.lastIndexOf('.') + 1))) {
            String at = path + "[" + i++ + "].";
            String name = Trees.text(c, "name");
            if (name.isEmpty()) {
                errs.add(FieldError.required(at + "name", ""));
            } else {
                Names.dns1123Label(name).forEach(m -> errs.add(FieldError.invalid(at + "name", name, m)));
                if (!names.add(name)) {
                    errs.add(FieldError.duplicate(at + "name", name));
                }
            }
            if (Trees.text(c, "image").isBlank()) {
                errs.add(FieldError.required(at + "image", ""));
            }
            enumField(c, "imagePullPolicy", at, PULL_POLICIES, errs);
            enumField(c, "terminationMessagePolicy", at, MESSAGE_POLICIES, errs);
            ports(c, at + "ports", errs);
        }
    }

    private static void ports(ObjectNode container, String path, List<FieldError> errs) {
        int i = 0;
        Set<String> names = new HashSet<>();
        for (ObjectNode port : Trees.objects(container, "ports")) {
            String at = path + "[" + i++ + "].";
            String name = Trees.text(port, "name");
            if (!name.isEmpty()) {
                Names.portName(name).forEach(m -> errs.add(FieldError.invalid(at + "name", name, m)));
                if (!names.add(name)) {
                    errs.add(FieldError.duplicate(at + "name", name));
                }
            }
            long containerPort = port.path("containerPort").asLong(0);
            if (containerPort == 0) {
                errs.add(FieldError.required(at + "containerPort", ""));
            } else {
                Names.portNumber(containerPort).forEach(m -> errs.add(FieldError.invalid(at + "containerPort", containerPort, m)));
            }
            long hostPort = port.path("hostPort").asLong(0);
            if (hostPort != 0) {
                Names.portNumber(hostPort).forEach(m -> errs.add(FieldError.invalid(at + "hostPort", hostPort, m)));
            }
            protocol(port, at, errs);
        }
    }

    /** A port's protocol: required (defaulting sets TCP), one of SCTP, TCP, UDP. */
    static void protocol(JsonNode port, String at, List<FieldError> errs) {
        String protocol = Trees.text(port, "protocol");
        if (protocol.isEmpty()) {
            errs.add(FieldError.required(at + "protocol", ""));
        } else if (!PROTOCOLS.contains(protocol)) {
            errs.add(FieldError.notSupported(at + "protocol", protocol, PROTOCOLS));
        }
    }

    /** An enum field: Required when empty (defaulting fills the ones with a default), else one of {@code allowed}. */
    static void enumField(JsonNode parent, String field, String path, List<String> allowed, List<FieldError> errs) {
        String value = Trees.text(parent, field);
        if (value.isEmpty()) {
            errs.add(FieldError.required(path + field, ""));
        } else if (!allowed.contains(value)) {
            errs.add(FieldError.notSupported(path + field, value, allowed));
        }
    }
}
