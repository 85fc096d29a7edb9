package io.outpost.apiserver.protobuf;

/**
 * Go's {@code time.Duration.String()}, which is how {@code metav1.Duration} is written in JSON:
 * {@code 0s}, {@code 1.5µs}, {@code 300ms}, {@code 1m30s}, {@code 1h0m0s}. Pure and stateless.
 */
final class GoDuration {

    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    private GoDuration() {
    }

    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        // Long.MIN_VALUE has no positive twin; Go prints it from the unsigned magnitude too.
        long u = nanos == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(nanos);
        if (u < SECOND) {
            if (u < 1_000) {
                return sign + u + "ns";
            }
            return sign + (u < 1_000_000 ? fraction(u, 3) + "µs" : fraction(u, 6) + "ms");
        }
        StringBuilder out = new StringBuilder(fraction(u % MINUTE, 9)).append('s');
        long minutes = u / MINUTE;
        if (minutes > 0) {
            out.insert(0, (minutes % 60) + "m");
            long hours = minutes / 60;
            if (hours > 0) {
                out.insert(0, hours + "h");
            }
        }
        return sign + out;
    }

    /** {@code value / 10^digits} with the fraction's trailing zeros (and a bare point) dropped. */
    private static String fraction(long value, int digits) {
        long scale = (long) Math.pow(10, digits);
        String whole = Long.toString(value / scale);
        String frac = String.format("%0" + digits + "d", value % scale).replaceAll("0+$", "");
        return frac.isEmpty() ? whole : whole + "." + frac;
    }
}
