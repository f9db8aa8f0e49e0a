package org.smsexport.support;

import java.time.DateTimeException;
import java.time.ZoneId;
import org.smsexport.InvalidRequestException;

/** A time zone given as text (a request, an option, a setting), refused with the reason and what to give instead. */
public final class TimeZones {

    private TimeZones() {
    }

    /**
     * @param text a region id such as {@code Europe/Athens}, or {@code UTC}
     * @return the zone
     * @throws InvalidRequestException naming the text when it is no time zone
     */
    public static ZoneId of(String text) {
        try {
            return ZoneId.of(text.strip());
        } catch (DateTimeException | NullPointerException e) {
            throw new InvalidRequestException("Time zone '" + text + "' is unknown; use a region id such as Europe/Athens or UTC.");
        }
    }
}
