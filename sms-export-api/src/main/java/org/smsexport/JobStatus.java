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
}
