package org.smsexport.scheduler;

import org.smsexport.ExportException;

/** No schedule has the id (or it belongs to someone else). */
public class ScheduleNotFoundException extends ExportException {

    private static final long serialVersionUID = 1L;

    /** @param id the id asked for */
    public ScheduleNotFoundException(String id) {
        super("No schedule '" + id + "'.");
    }
}
