package io.outpost.apiserver.crd.schema;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import com.google.re2j.Pattern;

/**
 * The string formats kube-openapi's validator checks for a CRD ({@code strfmt.Default} as kube
 * narrows it: {@code k8s.io/kube-openapi/pkg/validation/strfmt}). A format not listed here is
 * accepted without a check, as kube does (it only describes the value: {@code int32},
 * {@code int64}, {@code float}, {@code double}, {@code password}, and unknown names).
 */
final class Formats {

    private static final Pattern HOSTNAME = Pattern.compile(
            "^([a-zA-Z0-9\\p{S}\\p{L}]((-?[a-zA-Z0-9\\p{S}\\p{L}]{0,62})?)|([a-zA-Z0-9\\p{S}\\p{L}](([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}[a-zA-Z0-9\\p{S}\\p{L}])?)(\\.)){1,}([a-zA-Z\\p{L}]){2,63})$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");
    private static final Pattern UUID = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID3 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID4 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    private static final Pattern UUID5 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    private static final Pattern MAC = Pattern.compile(
            "^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}[:-]){7}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}[:-]){19}[0-9A-Fa-f]{2}$"
                    + "|^([0-9A-Fa-f]{4}\\.){2}[0-9A-Fa-f]{4}$|^([0-9A-Fa-f]{4}\\.){3}[0-9A-Fa-f]{4}$|^([0-9A-Fa-f]{4}\\.){9}[0-9A-Fa-f]{4}$");
    private static final Pattern HEXCOLOR = Pattern.compile("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
    private static final Pattern RGBCOLOR = Pattern.compile(
            "^rgb\\(\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*,\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*\\)$");
    private static final Pattern BSON_OBJECT_ID = Pattern.compile("^[0-9a-fA-F]{24}$");
    private static final Pattern IPV4 = Pattern.compile("^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$");
    /** Go's time.ParseDuration units plus the d/w that strfmt's duration adds. */
    private static final Pattern DURATION = Pattern.compile(
            "^(-|\\+)?(((\\d+(\\.\\d*)?|\\.\\d+)\\s*(ns|us|µs|μs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?)\\s*)+|0)$");

    private static final Map<String, Predicate<String>> CHECKS = Map.ofEntries(
            Map.entry("bsonobjectid", s -> BSON_OBJECT_ID.matches(s)),
            Map.entry("uri", Formats::uri),
            Map.entry("email", s -> EMAIL.matches(s)),
            Map.entry("hostname", s -> s.length() <= 255 && HOSTNAME.matches(s)),
            Map.entry("ipv4", s -> IPV4.matches(s)),
            Map.entry("ipv6", Formats::ipv6),
            Map.entry("cidr", Formats::cidr),
            Map.entry("mac", s -> MAC.matches(s)),
            Map.entry("uuid", s -> UUID.matches(s)),
            Map.entry("uuid3", s -> UUID3.matches(s)),
            Map.entry("uuid4", s -> UUID4.matches(s)),
            Map.entry("uuid5", s -> UUID5.matches(s)),
            Map.entry("hexcolor", s -> HEXCOLOR.matches(s)),
            Map.entry("rgbcolor", s -> RGBCOLOR.matches(s)),
            Map.entry("byte", Formats::base64),
            Map.entry("date", Formats::date),
            Map.entry("date-time", Formats::dateTime),
            Map.entry("datetime", Formats::dateTime),
            Map.entry("duration", s -> DURATION.matches(s)));

    private Formats() {
    }

    /** Whether kube checks this format; unknown formats are descriptive only. */
    static boolean known(String format) {
        return CHECKS.containsKey(normalize(format));
    }

    /** Whether the string is valid for the format; true for a format kube does not check. */
    static boolean valid(String format, String value) {
        Predicate<String> check = CHECKS.get(normalize(format));
        return check == null || check.test(value);
    }

    /** strfmt compares names without case, dashes and underscores ({@code date-time} = {@code datetime}). */
    private static String normalize(String format) {
        String n = format.toLowerCase(Locale.ROOT).replace("_", "");
        return n.equals("datetime") ? "date-time" : n;
    }

    /** strfmt's IsURI is Go's url.Parse succeeding: lenient, so only unparseable text fails. */
    private static boolean uri(String s) {
        try {
            new URI(s);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean ipv6(String s) {
        return s.contains(":") && parsesAsInet(s);
    }

    private static boolean parsesAsInet(String s) {
        // Only literal addresses: InetAddress would otherwise resolve names over DNS.
        if (!s.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            java.net.InetAddress.getByName(s);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean cidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String ip = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        if (!bits.matches("\\d{1,3}")) {
            return false;
        }
        int n = Integer.parseInt(bits);
        if (IPV4.matches(ip)) {
            return n <= 32;
        }
        return ipv6(ip) && n <= 128;
    }

    private static boolean base64(String s) {
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean date(String s) {
        try {
            LocalDate.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean dateTime(String s) {
        try {
            OffsetDateTime.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            try {
                // strfmt also takes RFC 3339 without seconds' zone colon and a space separator.
                OffsetDateTime.parse(s.replace(' ', 'T'));
                return true;
            } catch (DateTimeParseException e2) {
                return false;
            }
        }
    }
}
