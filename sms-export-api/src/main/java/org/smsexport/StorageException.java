package org.smsexport;

/**
 * Reading or writing export files failed: the output directory is missing or not writable, the disk is full, a file vanished.
 */
public class StorageException extends ExportException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong, the bad value and the valid choices
     */
    public StorageException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and how to fix it
     * @param cause   the underlying error
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause, null, null, null);
    }

    /**
     * @param message what was wrong
     * @param cause   the underlying error, or {@code null}
     * @param jobId   the job concerned, or {@code null}
     * @param format  the format id concerned, or {@code null}
     * @param type    the export type name concerned, or {@code null}
     */
    public StorageException(String message, Throwable cause, JobId jobId, String format, String type) {
        super(message, cause, jobId, format, type);
    }
}
