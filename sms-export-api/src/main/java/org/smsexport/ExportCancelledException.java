package org.smsexport;

/**
 * Thrown inside a running export when its job was cancelled or timed out; the engine turns it into a CANCELLED or FAILED job.
 */
public class ExportCancelledException extends ExportException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, the bad value and the valid choices
     */
    public ExportCancelledException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and how to fix it
     * @param cause   the underlying error
     */
    public ExportCancelledException(String message, Throwable cause) {
        super(message, cause, null, null, null);
    }

    /**
     * @param message what was wrong
     * @param cause   the underlying error, or {@code null}
     * @param jobId   the job concerned, or {@code null}
     * @param format  the format id concerned, or {@code null}
     * @param type    the export type name concerned, or {@code null}
     */
    public ExportCancelledException(String message, Throwable cause, JobId jobId, String format, String type) {
        super(message, cause, jobId, format, type);
    }
}
