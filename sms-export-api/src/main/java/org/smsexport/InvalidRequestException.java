package org.smsexport;

/**
 * A request, filter, option or configuration value is invalid: unknown type, unknown filter, a value of the wrong type, a bad limit. The message names the bad value and the valid choices.
 */
public class InvalidRequestException extends ExportException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, the bad value and the valid choices
     */
    public InvalidRequestException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and how to fix it
     * @param cause   the underlying error
     */
    public InvalidRequestException(String message, Throwable cause) {
        super(message, cause, null, null, null);
    }

    /**
     * @param message what was wrong
     * @param cause   the underlying error, or {@code null}
     * @param jobId   the job concerned, or {@code null}
     * @param format  the format id concerned, or {@code null}
     * @param type    the export type name concerned, or {@code null}
     */
    public InvalidRequestException(String message, Throwable cause, JobId jobId, String format, String type) {
        super(message, cause, jobId, format, type);
    }
}
