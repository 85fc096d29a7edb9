package io.outpost.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A duration flag in Go's {@code time.ParseDuration} syntax, as kube's components take theirs
 * ({@code --event-ttl=1h}): a sign, then numbers with units {@code ns us µs ms s m h}, decimals
 * allowed ({@code 1h30m}, {@code 1.5h}, {@code 300ms}); {@code 0} alone is zero. The flag's own
 * checks (positive, a bound) are the caller's.
 *
 * <p>Thread model: stateless.
 */
final class GoDurationConverter implements ITypeConverter<Duration> {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    @Override
    public Duration convert(String value) {
        Duration d = parse(value);
        if (d == null) {
            throw new TypeConversionException("'" + value + "' is not a duration; use Go's form like 1h, 90m, 1h30m or 45s");
        }
        return d;
    }

    /** The duration, or null if {@code value} is not one. */
    static Duration parse(String value) {
        String t = value.strip();
        boolean negative = t.startsWith("-");
        if (negative || t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(t);
        BigDecimal nanos = BigDecimal.ZERO;
        int end = 0;
        while (end < t.length() && m.find(end) && m.start() == end) {
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(NANOS.get(m.group(2)))));
            end = m.end();
        }
        if (t.isEmpty() || end != t.length()) {
            return null;
        }
        try {
            Duration d = Duration.ofNanos(nanos.longValueExact());
            return negative ? d.negated() : d;
        } catch (ArithmeticException e) {
            return null; // past Go's limit of about 290 years, as time.ParseDuration refuses it
        }
    }
}
