package io.outpost.apiserver.validation;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Nodes, as kube's {@code ValidateNode} for the fields Outpost's scheduler and kubelet rely on:
 * taints (a label-name key, a label value, a known effect, unique by key and effect), pod CIDRs
 * (valid, at most one per IP family, and set only once), a providerID set only once. Status
 * defaults as {@code SetDefaults_NodeStatus}: allocatable is the capacity when absent.
 */
final class NodeValidation implements KindStrategy {

    static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    @Override
    public void applyDefaults(ObjectNode node) {
        if (node.path("status") instanceof ObjectNode status && Trees.absent(status, "allocatable") && !Trees.absent(status, "capacity")) {
            status.set("allocatable", status.get("capacity").deepCopy());
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode node) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = node.path("spec");
        taints(spec, errs);
        JsonNode cidrs = spec.path("podCIDRs");
        if (cidrs.isEmpty() && !Trees.text(spec, "podCIDR").isEmpty()) {
            // v1 conversion: podCIDR alone is podCIDRs[0]
            cidrs = JsonNodeFactory.instance.arrayNode().add(Trees.text(spec, "podCIDR"));
        }
        Set<Boolean> families = new HashSet<>();
        for (int i = 0; i < cidrs.size(); i++) {
            String cidr = cidrs.get(i).asString("");
            Boolean v6 = cidrFamily(cidr);
            if (v6 == null) {
                errs.add(FieldError.invalid("spec.podCIDRs[" + i + "]", cidr, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
            } else {
                families.add(v6);
            }
        }
        if (cidrs.size() > 2 || (cidrs.size() == 2 && families.size() != 2 && !errs.stream().anyMatch(e -> e.field().startsWith("spec.podCIDRs[")))) {
            errs.add(FieldError.invalid("spec.podCIDRs", cidrs, "may specify no more than one CIDR for each IP family"));
        }
        return errs;
    }

    private static void taints(JsonNode spec, List<FieldError> errs) {
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (ObjectNode taint : Trees.objects(spec, "taints")) {
            String at = "spec.taints[" + i++ + "]";
            String key = Trees.text(taint, "key");
            Names.qualifiedName(key).forEach(m -> errs.add(FieldError.invalid(at + ".key", key, m)));
            String value = Trees.text(taint, "value");
            List<String> valueErrs = Names.labelValue(value);
            if (!valueErrs.isEmpty()) {
                errs.add(FieldError.invalid(at + ".value", value, String.join(";", valueErrs)));
            }
            String effect = Trees.text(taint, "effect");
            if (effect.isEmpty()) {
                errs.add(FieldError.required(at + ".effect", ""));
            } else if (!EFFECTS.contains(effect)) {
                errs.add(FieldError.notSupported(at + ".effect", effect, EFFECTS));
            }
            if (!seen.add(effect + "\u0000" + key)) {
                errs.add(new FieldError(FieldError.Type.DUPLICATE, at, taint, "taints must be unique by key and effect pair"));
            }
        }
    }

    /** Whether a CIDR is IPv6 (true) or IPv4 (false), or null if it is not one, as Go's {@code ParseCIDR}. */
    static Boolean cidrFamily(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0 || !cidr.substring(slash + 1).matches("[0-9]{1,3}")) {
            return null;
        }
        String ip = cidr.substring(0, slash);
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        boolean v6 = ip.contains(":");
        if (v6 ? !ip.matches("[0-9a-fA-F:.]+") || prefix > 128 : !ip.matches("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}") || prefix > 32) {
            return null;
        }
        try {
            InetAddress.getByName(ip); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
        return v6;
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode node, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(validate(node));
        JsonNode was = old.path("spec");
        JsonNode now = node.path("spec");
        if (!was.path("podCIDRs").isEmpty() && !was.path("podCIDRs").equals(now.path("podCIDRs"))) {
            errs.add(FieldError.forbidden("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"));
        }
        String provider = Trees.text(was, "providerID");
        if (!provider.isEmpty() && !provider.equals(Trees.text(now, "providerID"))) {
            errs.add(FieldError.forbidden("spec.providerID", "node updates may not change providerID except from \"\" to valid"));
        }
        return errs;
    }
}
