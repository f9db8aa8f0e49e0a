package org.smsexport;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The measurements of one finished job (completed, failed or cancelled), with the fields of the original
 * system's {@code metrics.jsonl} plus the file's SHA-256 and the owner.
 *
 * @param exportId      the job id
 * @param exportType    the export type name
 * @param exportFormat  the format id
 * @param owner         the job's owner
 * @param startTime     when the worker started (or the job was created, if it never started)
 * @param endTime       when it finished
 * @param totalRecords  records written
 * @param fileSizeBytes bytes published (0 when nothing was)
 * @param status        COMPLETED, FAILED or CANCELLED
 * @param errorMessage  why it failed or was cancelled
 * @param sha256        the published file's SHA-256, when completed
 */
public record ExportMetrics(JobId exportId, String exportType, String exportFormat, String owner, Instant startTime,
        Instant endTime, long totalRecords, long fileSizeBytes, JobStatus status, Optional<String> errorMessage,
        Optional<String> sha256) {

    /** Checks for nulls and that the status is terminal. */
    public ExportMetrics {
        Objects.requireNonNull(exportId, "exportId");
        Objects.requireNonNull(exportType, "exportType");
        Objects.requireNonNull(exportFormat, "exportFormat");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(endTime, "endTime");
        Objects.requireNonNull(errorMessage, "errorMessage");
        Objects.requireNonNull(sha256, "sha256");
        if (!status.isTerminal()) {
            throw new IllegalArgumentException("Metrics are recorded for finished jobs only, got " + status);
        }
    }

    /**
     * @param job a finished job
     * @return its metrics
     */
    public static ExportMetrics of(ExportJob job) {
        Instant end = job.completedAt().orElse(job.updatedAt());
        return new ExportMetrics(job.id(), job.type(), job.format(), job.owner(), job.startedAt().orElse(job.createdAt()),
                end, job.totalRecords(), job.fileSizeBytes(), job.status(), job.errorMessage(), job.sha256());
    }

    /** @return the time between start and end */
    public Duration duration() {
        return Duration.between(startTime, endTime);
    }

    /** @return the duration in seconds, with microsecond precision */
    public double totalDurationSeconds() {
        Duration d = duration();
        return d.getSeconds() + d.getNano() / 1_000L / 1e6;
    }

    /**
     * Records per second. Computed even for very short runs: a duration under one microsecond counts as
     * one microsecond, so the rate is finite and never skipped.
     *
     * @return the throughput
     */
    public double recordsPerSecond() {
        double seconds = Math.max(totalDurationSeconds(), 1e-6);
        return totalRecords / seconds;
    }

    /** @return the file size in MB (2^20 bytes), unrounded */
    public double fileSizeMb() {
        return fileSizeBytes / 1048576.0;
    }
}
