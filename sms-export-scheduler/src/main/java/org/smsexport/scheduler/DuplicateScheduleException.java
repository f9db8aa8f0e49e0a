package org.smsexport.scheduler;

import org.smsexport.InvalidRequestException;

/** The same owner already has a schedule for the same export at the same frequency and zone. */
public class DuplicateScheduleException extends InvalidRequestException {

    private static final long serialVersionUID = 1L;

    private final String existingId;

    /** @param existingId the schedule that already does this */
    public DuplicateScheduleException(String existingId) {
        super("An identical schedule already exists: '" + existingId + "'.");
        this.existingId = existingId;
    }

    /** @return the id of the schedule that already does this */
    public String existingId() {
        return existingId;
    }
}
