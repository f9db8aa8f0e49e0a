package org.smsexport;

/** The life cycle of an export job: PENDING → RUNNING → COMPLETED | FAILED | CANCELLED; COMPLETED → ARCHIVED. */
public enum JobStatus {
    /** Accepted and waiting for a worker. */
    PENDING,
    /** A worker is writing the file. */
    RUNNING,
    /** The file is published under its final name. */
    COMPLETED,
    /** The export failed; the job's error message says why. No file exists. */
    FAILED,
    /** The export was cancelled; no file exists. */
    CANCELLED,
    /** The completed file was moved to the archive by maintenance; {@link ExportJob#archivePath()} says where. */
    ARCHIVED;

    /** @return {@code true} for COMPLETED, FAILED, CANCELLED and ARCHIVED */
    public boolean isTerminal() {
        return this != PENDING && this != RUNNING;
    }

    /** @return the lower-case name used in JSON and on the command line */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * @param text a status as a user writes it ({@code completed}, {@code FAILED}), surrounding blanks ignored
     * @return the status
     * @throws InvalidRequestException naming the value and the valid ones
     */
    public static JobStatus parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRequestException("Unknown status '" + text + "'. Valid: "
                    + java.util.Arrays.stream(values()).map(JobStatus::id).toList() + ".");
        }
    }
}
