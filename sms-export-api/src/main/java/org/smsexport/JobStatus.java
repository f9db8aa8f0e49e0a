package org.smsexport;

/** The life cycle of an export job: PENDING → RUNNING → COMPLETED | FAILED | CANCELLED. */
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
    CANCELLED;

    /** @return {@code true} for COMPLETED, FAILED and CANCELLED */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** @return the lower-case name used in JSON and on the command line */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
