package io.outpost.scheduler.framework;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * An amount of each resource (kube's {@code framework.Resource}): CPU in millicores, memory and
 * ephemeral storage in bytes, a pod count, and extended resources ({@code nvidia.com/gpu}) in
 * their integer units. Mutable, for summing; owners copy before handing it out.
 */
public final class Resources {

    public static final String CPU = "cpu";
    public static final String MEMORY = "memory";
    public static final String EPHEMERAL_STORAGE = "ephemeral-storage";
    public static final String PODS = "pods";

    /** What a container without a request counts as when scoring (kube's non-zero defaults). */
    public static final long DEFAULT_MILLI_CPU = 100;
    public static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    public long milliCpu;
    public long memory;
    public long ephemeralStorage;
    public long pods;
    public final Map<String, Long> scalar = new HashMap<>();

    public long get(String name) {
        return switch (name) {
            case CPU -> milliCpu;
            case MEMORY -> memory;
            case EPHEMERAL_STORAGE -> ephemeralStorage;
            case PODS -> pods;
            default -> scalar.getOrDefault(name, 0L);
        };
    }

    public void add(Resources other) {
        milliCpu += other.milliCpu;
        memory += other.memory;
        ephemeralStorage += other.ephemeralStorage;
        pods += other.pods;
        other.scalar.forEach((k, v) -> scalar.merge(k, v, Long::sum));
    }

    public void subtract(Resources other) {
        milliCpu -= other.milliCpu;
        memory -= other.memory;
        ephemeralStorage -= other.ephemeralStorage;
        pods -= other.pods;
        other.scalar.forEach((k, v) -> scalar.merge(k, -v, Long::sum));
    }

    private void setMax(Resources other) {
        milliCpu = Math.max(milliCpu, other.milliCpu);
        memory = Math.max(memory, other.memory);
        ephemeralStorage = Math.max(ephemeralStorage, other.ephemeralStorage);
        other.scalar.forEach((k, v) -> scalar.merge(k, v, Math::max));
    }

    private void set(String name, Quantity quantity) {
        BigDecimal amount = Quantity.getAmountInBytes(quantity);
        switch (name) {
            case CPU -> milliCpu = amount.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValue();
            case MEMORY -> memory = amount.longValue();
            case EPHEMERAL_STORAGE -> ephemeralStorage = amount.longValue();
            case PODS -> pods = amount.longValue();
            default -> scalar.put(name, amount.longValue());
        }
    }

    /** A node's allocatable (or, when the agent reported none, its capacity). */
    public static Resources of(Map<String, Quantity> quantities) {
        Resources r = new Resources();
        if (quantities != null) {
            quantities.forEach(r::set);
        }
        return r;
    }

    /**
     * The pod's effective request, as kube computes it: the sum over its containers, raised to
     * the largest init container (they run one at a time, before the others), plus the pod's
     * overhead; one pod. With {@code nonZero}, a container that requests no CPU or memory counts
     * {@link #DEFAULT_MILLI_CPU}/{@link #DEFAULT_MEMORY}, so that scoring spreads such pods.
     */
    public static Resources requestsOf(Pod pod, boolean nonZero) {
        Resources sum = new Resources();
        var spec = pod.getSpec();
        if (spec == null) {
            return sum;
        }
        for (Container c : nullToEmpty(spec.getContainers())) {
            sum.add(containerRequests(c, nonZero));
        }
        for (Container c : nullToEmpty(spec.getInitContainers())) {
            // A sidecar (restartPolicy Always) keeps running beside the app containers.
            if ("Always".equals(c.getRestartPolicy())) {
                sum.add(containerRequests(c, nonZero));
            } else {
                sum.setMax(containerRequests(c, nonZero));
            }
        }
        if (spec.getOverhead() != null) {
            sum.add(of(spec.getOverhead()));
        }
        sum.pods = 1;
        return sum;
    }

    private static Resources containerRequests(Container c, boolean nonZero) {
        Resources r = c.getResources() == null ? new Resources() : of(c.getResources().getRequests());
        if (nonZero) {
            var requests = c.getResources() == null ? null : c.getResources().getRequests();
            if (requests == null || !requests.containsKey(CPU)) {
                r.milliCpu = DEFAULT_MILLI_CPU;
            }
            if (requests == null || !requests.containsKey(MEMORY)) {
                r.memory = DEFAULT_MEMORY;
            }
        }
        return r;
    }

    static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
