package org.smsexport;

import java.util.Optional;

/**
 * The root of every error sms-export throws. Unchecked. Carries what is known of the context: the job,
 * the format and the export type, each also in the message.
 */
public class ExportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient JobId jobId;
    private final String format;
    private final String type;

    /**
     * @param message what went wrong, with the bad value and how to fix it
     */
    public ExportException(String message) {
        this(message, null, null, null, null);
    }

    /**
     * @param message what went wrong, with the bad value and how to fix it
     * @param cause   the underlying error, or {@code null}
     */
    public ExportException(String message, Throwable cause) {
        this(message, cause, null, null, null);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying error, or {@code null}
     * @param jobId   the job concerned, or {@code null}
     * @param format  the format id concerned, or {@code null}
     * @param type    the export type name concerned, or {@code null}
     */
    public ExportException(String message, Throwable cause, JobId jobId, String format, String type) {
        super(message, cause);
        this.jobId = jobId;
        this.format = format;
        this.type = type;
    }

    /** @return the job this error concerns, when known */
    public Optional<JobId> jobId() {
        return Optional.ofNullable(jobId);
    }

    /** @return the format id this error concerns, when known */
    public Optional<String> format() {
        return Optional.ofNullable(format);
    }

    /** @return the export type name this error concerns, when known */
    public Optional<String> type() {
        return Optional.ofNullable(type);
    }
}
