package io.outpost.controllers.nodelifecycle;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Node;

/**
 * What a node's {@value #ANNOTATION} annotation asks for. Outpost's default is edge autonomy: pods
 * on a node that stopped renewing its lease keep running there and are never evicted by the
 * control plane. A node annotated with a duration (Go's syntax, as every kube flag takes it:
 * {@code 5m}, {@code 300s}, {@code 1h30m}) opts into kube's cloud behaviour instead: the
 * {@code NoExecute} taints and its pods deleted once the duration has passed.
 */
public sealed interface EvictionTimeout {

    String ANNOTATION = "node.outpost.io/eviction-timeout";

    /** No annotation: the edge default, pods are never evicted. */
    record Never() implements EvictionTimeout {
    }

    /** Pods are deleted {@code timeout} after the node became unreachable or not ready. */
    record After(Duration timeout) implements EvictionTimeout {
    }

    /**
     * The annotation is there but not a duration; treated as {@link Never} (evicting on a typo
     * would be the worse mistake) and reported on the node.
     */
    record Invalid(String value, String problem) implements EvictionTimeout {
        /** The Event message: what is wrong and how to fix it. */
        public String message() {
            return "annotation " + ANNOTATION + "=\"" + value + "\" is ignored (pods on this node are not evicted): "
                    + problem + "; set a duration like 5m, 300s or 1h30m, or remove the annotation for edge autonomy";
        }
    }

    static EvictionTimeout of(Node node) {
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        return parse(annotations == null ? null : annotations.get(ANNOTATION));
    }

    /** Parses the annotation's value; null (absent) is {@link Never}. */
    static EvictionTimeout parse(String value) {
        if (value == null) {
            return new Never();
        }
        try {
            Duration d = GoDuration.parse(value.strip());
            if (d.isNegative()) {
                return new Invalid(value, "a negative duration");
            }
            return new After(d);
        } catch (IllegalArgumentException e) {
            return new Invalid(value, e.getMessage());
        }
    }

    /** Go's {@code time.ParseDuration}: a sequence of decimal numbers each with a unit. */
    final class GoDuration {
        private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
        private static final Map<String, BigDecimal> NANOS = Map.of(
                "ns", BigDecimal.ONE, "us", BigDecimal.valueOf(1_000), "µs", BigDecimal.valueOf(1_000),
                "μs", BigDecimal.valueOf(1_000), "ms", BigDecimal.valueOf(1_000_000),
                "s", BigDecimal.valueOf(1_000_000_000L), "m", BigDecimal.valueOf(60_000_000_000L),
                "h", BigDecimal.valueOf(3_600_000_000_000L));

        private GoDuration() {
        }

        static Duration parse(String s) {
            String rest = s;
            boolean negative = false;
            if (rest.startsWith("-") || rest.startsWith("+")) {
                negative = rest.startsWith("-");
                rest = rest.substring(1);
            }
            if (rest.equals("0")) {
                return Duration.ZERO;
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException("not a duration: empty");
            }
            Matcher m = PART.matcher(rest);
            BigDecimal nanos = BigDecimal.ZERO;
            int at = 0;
            while (at < rest.length()) {
                if (!m.find(at) || m.start() != at) {
                    throw new IllegalArgumentException("not a duration (a number with a unit ns, us, ms, s, m or h)");
                }
                nanos = nanos.add(new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1))
                        .multiply(NANOS.get(m.group(2))));
                at = m.end();
            }
            Duration d;
            try {
                d = Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.DOWN).longValueExact());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("a duration too long (at most about 292 years)");
            }
            return negative ? d.negated() : d;
        }
    }
}
