package io.outpost.controllers.cronjob;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CronJob schedule with the semantics of robfig/cron v3's {@code ParseStandard}, which kube's
 * CronJob controller uses: five fields (minute, hour, day of month, month, day of week; names for
 * months and weekdays; {@code *}, {@code ?}, ranges, lists and steps), the descriptors
 * {@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily},
 * {@code @midnight}, {@code @hourly} and {@code @every <duration>}, and a {@code TZ=}/{@code CRON_TZ=}
 * prefix naming the zone (the controller puts {@code spec.timeZone} there, as kube's
 * {@code formatSchedule} does).
 *
 * <p>Like robfig, a day matches when the day of month <em>and</em> the day of week match if either
 * field starts with {@code *} or {@code ?} (without a step above 1), and when either matches
 * otherwise (Vixie cron's rule). {@link #next} walks the calendar in the schedule's zone as
 * robfig's {@code SpecSchedule.Next} does, so across DST changes a time that does not exist is
 * skipped that day and one that happens twice fires both times (robfig adds hours and minutes on the instant time-line).
 *
 * <p>Immutable and thread-safe.
 */
final class CronSchedule {

    /** robfig's {@code starBit}: the field was {@code *} or {@code ?}. */
    private static final long STAR = 1L << 63;

    private record Bounds(int min, int max, Map<String, Integer> names) {
    }

    private static final Bounds MINUTES = new Bounds(0, 59, Map.of());
    private static final Bounds HOURS = new Bounds(0, 23, Map.of());
    private static final Bounds DOM = new Bounds(1, 31, Map.of());
    private static final Bounds MONTHS = new Bounds(1, 12, Map.ofEntries(Map.entry("jan", 1), Map.entry("feb", 2),
            Map.entry("mar", 3), Map.entry("apr", 4), Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7),
            Map.entry("aug", 8), Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12)));
    private static final Bounds DOW = new Bounds(0, 6, Map.of("sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6));
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)");

    private final long minute;
    private final long hour;
    private final long dom;
    private final long month;
    private final long dow;
    private final ZoneId zone;
    /** Set for {@code @every}: robfig's {@code ConstantDelaySchedule}. */
    private final Duration every;

    private CronSchedule(long minute, long hour, long dom, long month, long dow, ZoneId zone, Duration every) {
        this.minute = minute;
        this.hour = hour;
        this.dom = dom;
        this.month = month;
        this.dow = dow;
        this.zone = zone;
        this.every = every;
    }

    /** A problem with a schedule, worded as robfig's parser words it (kube puts that in its events). */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /**
     * Parses {@code spec}; times are computed in its {@code TZ=} zone if it has one, else in
     * {@code defaultZone} (kube-controller-manager's local zone).
     */
    static CronSchedule parse(String spec, ZoneId defaultZone) throws Invalid {
        if (spec.isEmpty()) {
            throw new Invalid("empty spec string");
        }
        ZoneId zone = defaultZone;
        if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
            int space = spec.indexOf(' ');
            String name = spec.substring(spec.indexOf('=') + 1, space < 0 ? spec.length() : space);
            zone = zone(name);
            spec = space < 0 ? "" : spec.substring(space).strip();
        }
        if (spec.startsWith("@")) {
            return descriptor(spec, zone);
        }
        String[] fields = spec.isBlank() ? new String[0] : spec.strip().split("\\s+");
        if (fields.length != 5) {
            throw new Invalid("expected exactly 5 fields, found " + fields.length + ": " + Arrays.toString(fields).replace(",", ""));
        }
        return new CronSchedule(field(fields[0], MINUTES), field(fields[1], HOURS), field(fields[2], DOM),
                field(fields[3], MONTHS), field(fields[4], DOW), zone, null);
    }

    private static ZoneId zone(String name) throws Invalid {
        try {
            return name.equals("UTC") ? java.time.ZoneOffset.UTC : ZoneId.of(name);
        } catch (DateTimeException e) {
            throw new Invalid("provided bad location " + name + ": unknown time zone " + name);
        }
    }

    private static CronSchedule descriptor(String spec, ZoneId zone) throws Invalid {
        long allMinutes = all(MINUTES);
        long allHours = all(HOURS);
        long allDom = all(DOM);
        long allMonths = all(MONTHS);
        long allDow = all(DOW);
        return switch (spec) {
            case "@yearly", "@annually" -> new CronSchedule(1L, 1L, 1L << 1, 1L << 1, allDow, zone, null);
            case "@monthly" -> new CronSchedule(1L, 1L, 1L << 1, allMonths, allDow, zone, null);
            case "@weekly" -> new CronSchedule(1L, 1L, allDom, allMonths, 1L, zone, null);
            case "@daily", "@midnight" -> new CronSchedule(1L, 1L, allDom, allMonths, allDow, zone, null);
            case "@hourly" -> new CronSchedule(1L, allHours, allDom, allMonths, allDow, zone, null);
            default -> {
                if (spec.startsWith("@every ")) {
                    Duration d = goDuration(spec, spec.substring("@every ".length()));
                    // robfig's Every: at least a second, rounded down to whole seconds.
                    d = d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : Duration.ofSeconds(d.getSeconds());
                    yield new CronSchedule(allMinutes, allHours, allDom, allMonths, allDow, zone, d);
                }
                throw new Invalid("unrecognized descriptor: " + spec);
            }
        };
    }

    /** Go's {@code time.ParseDuration}, enough of it for {@code @every}. */
    private static Duration goDuration(String spec, String text) throws Invalid {
        Invalid invalid = new Invalid("failed to parse duration " + spec + ": time: invalid duration \"" + text + "\"");
        String s = text;
        boolean negative = false;
        if (s.startsWith("-") || s.startsWith("+")) {
            negative = s.startsWith("-");
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid;
        }
        Matcher m = DURATION_PART.matcher(s);
        double nanos = 0;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at || m.group(1).isEmpty() || m.group(1).equals(".")) {
                throw invalid;
            }
            double unit = switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs", "μs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            nanos += Double.parseDouble(m.group(1)) * unit;
            at = m.end();
        }
        Duration d = Duration.ofNanos((long) nanos);
        return negative ? d.negated() : d;
    }

    /** robfig's {@code getField}: the bits of a comma-separated list of ranges. */
    private static long field(String text, Bounds b) throws Invalid {
        long bits = 0;
        for (String range : text.split(",", -1)) {
            bits |= range(range, b);
        }
        return bits;
    }

    /** robfig's {@code getRange}: {@code *}, {@code ?}, {@code N}, {@code N-M}, each with an optional {@code /step}. */
    private static long range(String expr, Bounds b) throws Invalid {
        String[] rangeAndStep = expr.split("/", -1);
        String[] lowAndHigh = rangeAndStep[0].split("-", -1);
        boolean single = lowAndHigh.length == 1;
        long start;
        long end;
        long extra = 0;
        if (lowAndHigh[0].equals("*") || lowAndHigh[0].equals("?")) {
            start = b.min();
            end = b.max();
            extra = STAR;
        } else {
            start = intOrName(lowAndHigh[0], b.names());
            if (single) {
                end = start;
            } else if (lowAndHigh.length == 2) {
                end = intOrName(lowAndHigh[1], b.names());
            } else {
                throw new Invalid("too many hyphens: " + expr);
            }
        }
        long step = 1;
        if (rangeAndStep.length == 2) {
            step = integer(rangeAndStep[1]);
            if (single) {
                end = b.max(); // "N/step" means "N-max/step"
            }
            if (step > 1) {
                extra = 0;
            }
        } else if (rangeAndStep.length > 2) {
            throw new Invalid("too many slashes: " + expr);
        }
        if (start < b.min()) {
            throw new Invalid("beginning of range (" + start + ") below minimum (" + b.min() + "): " + expr);
        }
        if (end > b.max()) {
            throw new Invalid("end of range (" + end + ") above maximum (" + b.max() + "): " + expr);
        }
        if (start > end) {
            throw new Invalid("beginning of range (" + start + ") beyond end of range (" + end + "): " + expr);
        }
        if (step == 0) {
            throw new Invalid("step of range should be a positive number: " + expr);
        }
        long bits = 0;
        for (long i = start; i <= end; i += step) {
            bits |= 1L << i;
        }
        return bits | extra;
    }

    private static long all(Bounds b) {
        long bits = 0;
        for (int i = b.min(); i <= b.max(); i++) {
            bits |= 1L << i;
        }
        return bits | STAR;
    }

    private static long intOrName(String expr, Map<String, Integer> names) throws Invalid {
        Integer named = names.get(expr.toLowerCase(Locale.ROOT));
        return named != null ? named : integer(expr);
    }

    /** robfig's {@code mustParseInt}, with Go's {@code strconv.Atoi} wording. */
    private static long integer(String expr) throws Invalid {
        if (!expr.matches("[-+]?[0-9]+")) {
            throw new Invalid("failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr + "\": invalid syntax");
        }
        long n;
        try {
            n = Long.parseLong(expr);
        } catch (NumberFormatException e) {
            throw new Invalid("failed to parse int from " + expr + ": strconv.Atoi: parsing \"" + expr + "\": value out of range");
        }
        if (n < 0) {
            throw new Invalid("negative number (" + n + ") not allowed: " + expr);
        }
        return n;
    }

    ZoneId zone() {
        return zone;
    }

    /**
     * The first activation strictly after {@code after}, or empty if none falls within five years
     * (robfig's zero time: a schedule like {@code 0 0 31 2 *} never fires).
     */
    Optional<Instant> next(Instant after) {
        if (every != null) {
            return Optional.of(after.plus(every).minusNanos(after.getNano()));
        }
        ZonedDateTime t = after.atZone(zone).plusSeconds(1).withNano(0);
        boolean added = false;
        int yearLimit = t.getYear() + 5;
        wrap:
        while (true) {
            if (t.getYear() > yearLimit) {
                return Optional.empty();
            }
            while ((1L << t.getMonthValue() & month) == 0) {
                if (!added) {
                    added = true;
                    t = ZonedDateTime.of(t.getYear(), t.getMonthValue(), 1, 0, 0, 0, 0, zone);
                }
                t = t.plusMonths(1);
                if (t.getMonthValue() == 1) {
                    continue wrap;
                }
            }
            while (!dayMatches(t)) {
                if (!added) {
                    added = true;
                    t = ZonedDateTime.of(t.toLocalDate().atStartOfDay(), zone);
                }
                t = t.plusDays(1);
                // A DST change may leave the day's start at 23:00 or 01:00: robfig moves it back to midnight.
                if (t.getHour() != 0) {
                    t = t.getHour() > 12 ? t.plusHours(24 - t.getHour()) : t.minusHours(t.getHour());
                }
                if (t.getDayOfMonth() == 1) {
                    continue wrap;
                }
            }
            while ((1L << t.getHour() & hour) == 0) {
                if (!added) {
                    added = true;
                    t = ZonedDateTime.of(t.toLocalDate(), java.time.LocalTime.of(t.getHour(), 0), zone);
                }
                t = t.plusHours(1); // on the instant time-line, as Go's Add
                if (t.getHour() == 0) {
                    continue wrap;
                }
            }
            while ((1L << t.getMinute() & minute) == 0) {
                if (!added) {
                    added = true;
                    t = t.truncatedTo(ChronoUnit.MINUTES);
                }
                t = t.plusMinutes(1);
                if (t.getMinute() == 0) {
                    continue wrap;
                }
            }
            while (t.getSecond() != 0) { // the standard parser's seconds field is always 0
                if (!added) {
                    added = true;
                    t = t.truncatedTo(ChronoUnit.SECONDS);
                }
                t = t.plusSeconds(1);
                if (t.getSecond() == 0) {
                    continue wrap;
                }
            }
            return Optional.of(t.toInstant());
        }
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean domMatch = (1L << t.getDayOfMonth() & dom) != 0;
        boolean dowMatch = (1L << (t.getDayOfWeek().getValue() % 7) & dow) != 0;
        if ((dom & STAR) != 0 || (dow & STAR) != 0) {
            return domMatch && dowMatch;
        }
        return domMatch || dowMatch;
    }
}
