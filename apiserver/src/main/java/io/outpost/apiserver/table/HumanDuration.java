package io.outpost.apiserver.table;

import java.time.Duration;

/**
 * Durations as kubectl prints them in AGE-like columns ("45s", "5m30s", "3h12m", "2d5h", "1y20d"):
 * apimachinery's {@code duration.HumanDuration}, about two or three significant figures. A
 * duration up to two seconds negative reads "0s" (clock skew between machines), a more negative
 * one "&lt;invalid&gt;".
 *
 * <p>Thread model: a pure function.
 */
public final class HumanDuration {

    private HumanDuration() {
    }

    public static String format(Duration d) {
        long seconds = wholeSeconds(d);
        if (seconds < -1) {
            return "<invalid>";
        }
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = seconds / 3600;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        }
        if (hours < 24 * 365 * 8) {
            long days = hours / 24 % 365;
            return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
        }
        return hours / 24 / 365 + "y";
    }

    /** Seconds truncated toward zero, as Go's {@code int(d.Seconds())} does (Java floors). */
    private static long wholeSeconds(Duration d) {
        long seconds = d.getSeconds();
        return seconds < 0 && d.getNano() > 0 ? seconds + 1 : seconds;
    }
}
