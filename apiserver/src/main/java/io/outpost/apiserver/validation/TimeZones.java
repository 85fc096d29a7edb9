package io.outpost.apiserver.validation;

import java.time.ZoneId;
import java.util.Set;

/** IANA time zone names, as Go's {@code time.LoadLocation} knows them from the tz database. */
final class TimeZones {

    private static final Set<String> IDS = ZoneId.getAvailableZoneIds();

    private TimeZones() {
    }

    /** Whether Go would load the zone; "UTC" is built into Go, "Local" is the machine's. */
    static boolean known(String zone) {
        return zone.equals("UTC") || zone.equals("Local") || IDS.contains(zone);
    }
}
