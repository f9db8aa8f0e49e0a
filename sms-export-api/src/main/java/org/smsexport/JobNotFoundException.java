package org.smsexport;

/**
 * No job with the given id exists (or the caller may not see it).
 */
public class JobNotFoundException extends ExportException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, the bad value and the valid choices
     */
    public JobNotFoundException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and how to fix it
     * @param cause   the underlying error
     */
    public JobNotFoundException(String message, Throwable cause) {
        super(message, cause, null, null, null);
    }

    /**
     * @param message what was wrong
     * @param cause   the underlying error, or {@code null}
     * @param jobId   the job concerned, or {@code null}
     * @param format  the format id concerned, or {@code null}
     * @param type    the export type name concerned, or {@code null}
     */
    public JobNotFoundException(String message, Throwable cause, JobId jobId, String format, String type) {
        super(message, cause, jobId, format, type);
    }
}
