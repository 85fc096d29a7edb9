package io.outpost.agent.env;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * The downward API's values ({@code pkg/fieldpath} and kubelet's {@code podFieldSelectorRuntimeValue}
 * and {@code containerResourceRuntimeValue}), shared by env vars and downwardAPI volumes.
 *
 * @param hostIp the node's IP ({@code status.hostIP}); also {@code status.podIP} for process pods
 * @param podIp  the pod's IP
 */
public record DownwardApi(String hostIp, String podIp, NodeAllocatable allocatable) {

    private static final Pattern SUBSCRIPT = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");

    /** The value of a {@code fieldRef}; an unsupported path is a {@link ConfigError}. */
    public String field(Pod pod, ObjectFieldSelector ref) throws ConfigError {
        String path = ref.getFieldPath();
        Matcher m = SUBSCRIPT.matcher(path);
        if (m.matches()) {
            Map<String, String> map = m.group(1).equals("labels") ? pod.getMetadata().getLabels() : pod.getMetadata().getAnnotations();
            return map == null ? "" : map.getOrDefault(m.group(2), "");
        }
        return switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "metadata.labels" -> formatMap(pod.getMetadata().getLabels());
            case "metadata.annotations" -> formatMap(pod.getMetadata().getAnnotations());
            case "spec.nodeName" -> nullToEmpty(pod.getSpec().getNodeName());
            case "spec.serviceAccountName" -> nullToEmpty(pod.getSpec().getServiceAccountName());
            case "status.hostIP", "status.hostIPs" -> hostIp;
            case "status.podIP", "status.podIPs" -> podIp;
            default -> throw new ConfigError("unsupported fieldPath: " + path);
        };
    }

    /**
     * The value of a {@code resourceFieldRef} of {@code container}, divided by the divisor and
     * rounded up, as kubelet's {@code ExtractContainerResourceValue}; an unset limit is the node's
     * allocatable.
     */
    public String resource(Pod pod, Container container, ResourceFieldSelector ref) throws ConfigError {
        if (ref.getContainerName() != null && !ref.getContainerName().isEmpty()) {
            container = findContainer(pod, ref.getContainerName());
        }
        ResourceRequirements res = container.getResources();
        Map<String, Quantity> limits = res == null || res.getLimits() == null ? Map.of() : res.getLimits();
        Map<String, Quantity> requests = res == null || res.getRequests() == null ? Map.of() : res.getRequests();
        String divisorText = ref.getDivisor() == null ? "1" : ref.getDivisor().toString();
        BigDecimal divisor = Quantity.getAmountInBytes(new Quantity(divisorText));
        if (divisor.signum() == 0) {
            divisor = BigDecimal.ONE;
        }
        BigDecimal value = switch (ref.getResource()) {
            case "limits.cpu" -> amount(limits.get("cpu"), BigDecimal.valueOf(allocatable.cpuMillis()).movePointLeft(3));
            case "limits.memory" -> amount(limits.get("memory"), BigDecimal.valueOf(allocatable.memoryBytes()));
            case "limits.ephemeral-storage" -> amount(limits.get("ephemeral-storage"), BigDecimal.ZERO);
            case "requests.cpu" -> amount(requests.get("cpu"), BigDecimal.ZERO);
            case "requests.memory" -> amount(requests.get("memory"), BigDecimal.ZERO);
            case "requests.ephemeral-storage" -> amount(requests.get("ephemeral-storage"), BigDecimal.ZERO);
            default -> throw new ConfigError("unsupported container resource: " + ref.getResource());
        };
        return value.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
    }

    private static Container findContainer(Pod pod, String name) throws ConfigError {
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                if (c.getName().equals(name)) {
                    return c;
                }
            }
        }
        throw new ConfigError("container " + name + " not found in pod " + pod.getMetadata().getName());
    }

    private static BigDecimal amount(Quantity q, BigDecimal otherwise) {
        return q == null ? otherwise : Quantity.getAmountInBytes(q);
    }

    /** {@code key="value"} lines sorted by key, as kubelet writes labels into a downwardAPI file. */
    static String formatMap(Map<String, String> map) {
        if (map == null) {
            return "";
        }
        return new TreeMap<>(map).entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"")
                .collect(Collectors.joining("\n"));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
