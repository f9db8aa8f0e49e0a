package org.smsexport;

/**
 * The job is not in a state that allows the operation, e.g. opening the file of a job that has not completed.
 */
public class JobStateException extends ExportException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, the bad value and the valid choices
     */
    public JobStateException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and how to fix it
     * @param cause   the underlying error
     */
    public JobStateException(String message, Throwable cause) {
        super(message, cause, null, null, null);
    }

    /**
     * @param message what was wrong
     * @param cause   the underlying error, or {@code null}
     * @param jobId   the job concerned, or {@code null}
     * @param format  the format id concerned, or {@code null}
     * @param type    the export type name concerned, or {@code null}
     */
    public JobStateException(String message, Throwable cause, JobId jobId, String format, String type) {
        super(message, cause, jobId, format, type);
    }
}
