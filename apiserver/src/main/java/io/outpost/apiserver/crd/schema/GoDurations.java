package io.outpost.apiserver.crd.schema;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/**
 * Durations as kube-openapi's {@code strfmt.ParseDuration} reads them: Go's
 * {@code time.ParseDuration} units ({@code 300ms}, {@code 1h30m}, {@code 1.5h}) plus days and weeks
 * ({@code 2d}, {@code 1w}); {@code 0} alone is zero.
 */
final class GoDurations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(ns|us|µs|μs|ms|s|m|h|d|w)");
    private static final Map<String, Long> NANOS = Map.of(
            "ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L,
            "m", 60_000_000_000L, "h", 3_600_000_000_000L, "d", 86_400_000_000_000L, "w", 604_800_000_000_000L);

    private GoDurations() {
    }

    /** @throws IllegalArgumentException if the text is not a duration */
    static Duration parse(String text) {
        String t = text.strip();
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(t);
        int at = 0;
        BigDecimal nanos = BigDecimal.ZERO;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(NANOS.get(m.group(2)))));
            at = m.end();
            while (at < t.length() && Character.isWhitespace(t.charAt(at))) {
                at++;
            }
        }
        if (at == 0) {
            throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
        }
        Duration d = Duration.ofNanos(nanos.longValue());
        return negative ? d.negated() : d;
    }
}
