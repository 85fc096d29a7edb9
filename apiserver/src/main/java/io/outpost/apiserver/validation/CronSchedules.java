package io.outpost.apiserver.validation;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The schedule syntax kube accepts for a CronJob: robfig/cron v3's {@code ParseStandard} (five
 * fields, names for months and weekdays, ranges, steps, {@code ?}, the {@code @hourly}-style
 * descriptors and {@code @every <duration>}), reporting the first problem with that parser's
 * words, which kube puts in the error as they are.
 */
final class CronSchedules {

    private record Bounds(int min, int max, Map<String, Integer> names) {
    }

    private static final Map<String, Integer> MONTHS = Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2), Map.entry("mar", 3),
            Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8),
            Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));
    private static final Map<String, Integer> DAYS = Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6);
    private static final List<Bounds> FIELDS = List.of(new Bounds(0, 59, Map.of()), new Bounds(0, 23, Map.of()),
            new Bounds(1, 31, Map.of()), new Bounds(1, 12, MONTHS), new Bounds(0, 6, DAYS));
    private static final List<String> DESCRIPTORS = List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");
    /** Go's {@code time.ParseDuration} syntax. */
    private static final Pattern DURATION = Pattern.compile("[-+]?(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+|0");

    private CronSchedules() {
    }

    /** The parser's complaint about a schedule, or empty if it parses. */
    static Optional<String> problem(String schedule) {
        if (schedule.isEmpty()) {
            return Optional.of("empty spec string");
        }
        String spec = schedule;
        if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
            int space = spec.indexOf(' ');
            String zone = spec.substring(spec.indexOf('=') + 1, space < 0 ? spec.length() : space);
            if (!TimeZones.known(zone)) {
                return Optional.of("provided bad location " + zone + ": unknown time zone " + zone);
            }
            spec = space < 0 ? "" : spec.substring(space).strip();
        }
        if (spec.startsWith("@")) {
            return descriptor(spec);
        }
        String[] fields = spec.strip().isEmpty() ? new String[0] : spec.strip().split("\\s+");
        if (fields.length != 5) {
            return Optional.of("expected exactly 5 fields, found " + fields.length + ": " + Arrays.toString(fields).replace(",", ""));
        }
        for (int i = 0; i < 5; i++) {
            for (String range : fields[i].split(",")) {
                Optional<String> p = range(range, FIELDS.get(i));
                if (p.isPresent()) {
                    return p;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> descriptor(String spec) {
        if (DESCRIPTORS.contains(spec)) {
            return Optional.empty();
        }
        if (spec.startsWith("@every ")) {
            String duration = spec.substring("@every ".length());
            return DURATION.matcher(duration).matches() ? Optional.empty()
                    : Optional.of("failed to parse duration " + spec + ": time: invalid duration \"" + duration + "\"");
        }
        return Optional.of("unrecognized descriptor: " + spec);
    }

    /** robfig's {@code getRange}: {@code *}, {@code ?}, {@code N}, {@code N-M}, each with an optional {@code /step}. */
    private static Optional<String> range(String expr, Bounds b) {
        String[] rangeAndStep = expr.split("/", -1);
        String[] lowAndHigh = rangeAndStep[0].split("-", -1);
        long start;
        long end;
        try {
            if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
                start = b.min();
                end = b.max();
            } else {
                start = intOrName(lowAndHigh[0], b.names());
                if (lowAndHigh.length == 1) {
                    end = start;
                } else if (lowAndHigh.length == 2) {
                    end = intOrName(lowAndHigh[1], b.names());
                } else {
                    return Optional.of("too many hyphens: " + expr);
                }
            }
            long step = 1;
            if (rangeAndStep.length == 2) {
                step = integer(rangeAndStep[1]);
                if (lowAndHigh.length == 1) {
                    end = b.max();
                }
            } else if (rangeAndStep.length > 2) {
                return Optional.of("too many slashes: " + expr);
            }
            if (start < b.min()) {
                return Optional.of("beginning of range (" + start + ") below minimum (" + b.min() + "): " + expr);
            }
            if (end > b.max()) {
                return Optional.of("end of range (" + end + ") above maximum (" + b.max() + "): " + expr);
            }
            if (start > end) {
                return Optional.of("beginning of range (" + start + ") beyond end of range (" + end + "): " + expr);
            }
            if (step == 0) {
                return Optional.of("step of range should be a positive number: " + expr);
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static long intOrName(String expr, Map<String, Integer> names) {
        Integer named = names.get(expr.toLowerCase(Locale.ROOT));
        return named != null ? named : integer(expr);
    }

    /** robfig's {@code mustParseInt}, with Go's {@code strconv.Atoi} wording. */
    private static long integer(String expr) {
        if (!expr.matches("[-+]?[0-9]+")) {
            throw new IllegalArgumentException("failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr + "\": invalid syntax");
        }
        long n;
        try {
            n = Long.parseLong(expr);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr + "\": value out of range");
        }
        if (n < 0) {
            throw new IllegalArgumentException("negative number (" + n + ") not allowed: " + expr);
        }
        return n;
    }
}
