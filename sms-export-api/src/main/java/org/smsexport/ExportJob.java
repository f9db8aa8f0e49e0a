package org.smsexport;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The record of one export job, as kept by a {@link org.smsexport.spi.JobStore}. Immutable: changes make a
 * new instance through {@link #toBuilder()}. Thread-safe.
 */
public final class ExportJob {
    private final JobId id;
    private final String type;
    private final String format;
    private final JobStatus status;
    private final int progressPercent;
    private final long totalRecords;
    private final String fileName;
    private final long fileSizeBytes;
    private final java.time.Duration duration;
    private final String sha256;
    private final String errorMessage;
    private final Instant createdAt;
    private final Instant startedAt;
    private final Instant completedAt;
    private final Instant updatedAt;
    private final String owner;
    private final String notificationEmail;
    private final boolean notificationSent;
    private final List<String> warnings;
    private final Map<String, String> filters;
    private final String archivePath;
    private final String notificationError;
    private final int attempts;
    private final String node;
    private final String traceParent;

    private ExportJob(Builder b) {
        this.id = Objects.requireNonNull(b.id, "id");
        this.type = Objects.requireNonNull(b.type, "type");
        this.format = Objects.requireNonNull(b.format, "format");
        this.status = Objects.requireNonNull(b.status, "status");
        this.progressPercent = b.progressPercent;
        this.totalRecords = b.totalRecords;
        this.fileName = b.fileName;
        this.fileSizeBytes = b.fileSizeBytes;
        this.duration = b.duration;
        this.sha256 = b.sha256;
        this.errorMessage = b.errorMessage;
        this.createdAt = Objects.requireNonNull(b.createdAt, "createdAt");
        this.startedAt = b.startedAt;
        this.completedAt = b.completedAt;
        this.updatedAt = Objects.requireNonNull(b.updatedAt, "updatedAt");
        this.owner = Objects.requireNonNull(b.owner, "owner");
        this.notificationEmail = b.notificationEmail;
        this.notificationSent = b.notificationSent;
        this.warnings = List.copyOf(b.warnings);
        this.filters = Collections.unmodifiableMap(new TreeMap<>(b.filters));
        this.archivePath = b.archivePath;
        this.notificationError = b.notificationError;
        this.attempts = b.attempts;
        this.node = b.node;
        this.traceParent = b.traceParent;
        if (progressPercent < 0 || progressPercent > 100) {
            throw new IllegalArgumentException("progressPercent must be 0..100, got " + progressPercent);
        }
    }

    /** @return a builder for a new job record */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this job's values */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.id = id;
        b.type = type;
        b.format = format;
        b.status = status;
        b.progressPercent = progressPercent;
        b.totalRecords = totalRecords;
        b.fileName = fileName;
        b.fileSizeBytes = fileSizeBytes;
        b.duration = duration;
        b.sha256 = sha256;
        b.errorMessage = errorMessage;
        b.createdAt = createdAt;
        b.startedAt = startedAt;
        b.completedAt = completedAt;
        b.updatedAt = updatedAt;
        b.owner = owner;
        b.notificationEmail = notificationEmail;
        b.notificationSent = notificationSent;
        b.warnings = new ArrayList<>(warnings);
        b.filters = filters;
        b.archivePath = archivePath;
        b.notificationError = notificationError;
        b.attempts = attempts;
        b.node = node;
        b.traceParent = traceParent;
        return b;
    }

    /** @return the job's id */
    public JobId id() {
        return id;
    }

    /** @return how many times a node has started this job */
    public int attempts() {
        return attempts;
    }

    /**
     * @return the W3C {@code traceparent} of the trace the job was submitted in ({@code 00-<trace id>-<span id>-<flags>}),
     *         kept with the job so the node that runs it continues that trace
     */
    public Optional<String> traceParent() {
        return Optional.ofNullable(traceParent);
    }

    /** @return the id of the trace the job was submitted in (32 hex digits), when it was submitted inside one */
    public Optional<String> traceId() {
        return traceParent().filter(t -> t.length() >= 35).map(t -> t.substring(3, 35));
    }

    /** @return the node running (or that ran) it, by its {@code EXPORT_NODE_NAME} */
    public Optional<String> node() {
        return Optional.ofNullable(node);
    }

    /** @return the export type name */
    public String type() {
        return type;
    }

    /** @return the format id */
    public String format() {
        return format;
    }

    /** @return the status */
    public JobStatus status() {
        return status;
    }

    /** @return progress, 0–100 */
    public int progressPercent() {
        return progressPercent;
    }

    /** @return records written so far, or in total once completed */
    public long totalRecords() {
        return totalRecords;
    }

    /** @return the published file's name inside the output directory, once completed */
    public Optional<String> fileName() {
        return Optional.ofNullable(fileName);
    }

    /** @return the published file's size in bytes, once completed */
    public long fileSizeBytes() {
        return fileSizeBytes;
    }

    /** @return how long the export ran, once finished */
    public Optional<java.time.Duration> duration() {
        return Optional.ofNullable(duration);
    }

    /** @return the SHA-256 of the published file, lower-case hex, once completed */
    public Optional<String> sha256() {
        return Optional.ofNullable(sha256);
    }

    /** @return why the job failed or was cancelled */
    public Optional<String> errorMessage() {
        return Optional.ofNullable(errorMessage);
    }

    /** @return when the job was submitted */
    public Instant createdAt() {
        return createdAt;
    }

    /** @return when a worker started it */
    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt);
    }

    /** @return when it finished (completed, failed or cancelled) */
    public Optional<Instant> completedAt() {
        return Optional.ofNullable(completedAt);
    }

    /** @return when the job record was last written; running jobs refresh it as a heartbeat */
    public Instant updatedAt() {
        return updatedAt;
    }

    /** @return the user the job belongs to */
    public String owner() {
        return owner;
    }

    /** @return where the outcome is mailed */
    public Optional<String> notificationEmail() {
        return Optional.ofNullable(notificationEmail);
    }

    /** @return whether a notification was delivered */
    public boolean notificationSent() {
        return notificationSent;
    }

    /** @return visible degradations of the output (truncated cells, rows cut at the limit) */
    public List<String> warnings() {
        return warnings;
    }

    /** @return the filters applied, as text, for display */
    public Map<String, String> filters() {
        return filters;
    }

    /** @return why the last notification could not be delivered, when it could not */
    public Optional<String> notificationError() {
        return Optional.ofNullable(notificationError);
    }

    /** @return where maintenance moved the file, for ARCHIVED jobs */
    public Optional<String> archivePath() {
        return Optional.ofNullable(archivePath);
    }

    /** @return the file size in MB (2^20 bytes), rounded to 2 decimals, as the seed reports it */
    public double fileSizeMb() {
        return Math.round(fileSizeBytes / 1048576.0 * 100) / 100.0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ExportJob)) {
            return false;
        }
        ExportJob j = (ExportJob) o;
        return id.equals(j.id) && status == j.status && progressPercent == j.progressPercent
                && totalRecords == j.totalRecords && fileSizeBytes == j.fileSizeBytes && notificationSent == j.notificationSent
                && type.equals(j.type) && format.equals(j.format) && Objects.equals(fileName, j.fileName)
                && Objects.equals(duration, j.duration) && Objects.equals(sha256, j.sha256)
                && Objects.equals(errorMessage, j.errorMessage) && createdAt.equals(j.createdAt)
                && Objects.equals(startedAt, j.startedAt) && Objects.equals(completedAt, j.completedAt)
                && updatedAt.equals(j.updatedAt) && Objects.equals(owner, j.owner)
                && Objects.equals(notificationEmail, j.notificationEmail) && warnings.equals(j.warnings)
                && filters.equals(j.filters)
                && Objects.equals(archivePath, j.archivePath) && Objects.equals(notificationError, j.notificationError)
                && attempts == j.attempts && Objects.equals(node, j.node)
                && Objects.equals(traceParent, j.traceParent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, status, updatedAt);
    }

    @Override
    public String toString() {
        return "ExportJob[" + id + ", " + type + "/" + format + ", " + status + ", " + progressPercent + "%, "
                + totalRecords + " records, owner=" + owner + "]";
    }

    /** Builds an {@link ExportJob}. Not thread-safe. */
    public static final class Builder {
        private JobId id;
        private String type;
        private String format;
        private JobStatus status = JobStatus.PENDING;
        private int progressPercent = 0;
        private long totalRecords = 0;
        private String fileName;
        private long fileSizeBytes = 0;
        private java.time.Duration duration;
        private String sha256;
        private String errorMessage;
        private Instant createdAt;
        private Instant startedAt;
        private Instant completedAt;
        private Instant updatedAt;
        private String owner;
        private String notificationEmail;
        private boolean notificationSent = false;
        private List<String> warnings = new ArrayList<>();
        private Map<String, String> filters = Map.of();
        private String archivePath;
        private String notificationError;
        private int attempts;
        private String node;
        private String traceParent;

        private Builder() {
        }

        /**
         * @param value how many times a node has started this job (a job taken back from a node that stopped is
         *              started again, up to {@code EXPORT_MAX_ATTEMPTS})
         * @return this builder
         */
        public Builder attempts(int value) {
            this.attempts = value;
            return this;
        }

        /**
         * @param value the name of the node running (or that ran) the job, {@code null} while none has it
         * @return this builder
         */
        public Builder node(String value) {
            this.node = value;
            return this;
        }

        /**
         * @param value the W3C {@code traceparent} of the trace it was submitted in ({@code 00-} and 32, 16 and 2 hex digits
         *              joined by dashes), or {@code null}
         * @return this builder
         * @throws IllegalArgumentException for text that is not a {@code traceparent}
         */
        public Builder traceParent(String value) {
            if (value != null && !value.matches("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")) {
                throw new IllegalArgumentException("Not a W3C traceparent: '" + (value.length() > 60 ? value.substring(0, 60) + "…" : value)
                        + "'");
            }
            this.traceParent = value;
            return this;
        }

        /**
         * @param value the job's id
         * @return this builder
         */
        public Builder id(JobId value) {
            this.id = value;
            return this;
        }

        /**
         * @param value the export type name
         * @return this builder
         */
        public Builder type(String value) {
            this.type = value;
            return this;
        }

        /**
         * @param value the format id
         * @return this builder
         */
        public Builder format(String value) {
            this.format = value;
            return this;
        }

        /**
         * @param value the status
         * @return this builder
         */
        public Builder status(JobStatus value) {
            this.status = value;
            return this;
        }

        /**
         * @param value progress, 0–100
         * @return this builder
         */
        public Builder progressPercent(int value) {
            this.progressPercent = value;
            return this;
        }

        /**
         * @param value records written so far, or in total once completed
         * @return this builder
         */
        public Builder totalRecords(long value) {
            this.totalRecords = value;
            return this;
        }

        /**
         * @param value the published file's name inside the output directory, once completed
         * @return this builder
         */
        public Builder fileName(String value) {
            this.fileName = value;
            return this;
        }

        /**
         * @param value the published file's size in bytes, once completed
         * @return this builder
         */
        public Builder fileSizeBytes(long value) {
            this.fileSizeBytes = value;
            return this;
        }

        /**
         * @param value how long the export ran, once finished
         * @return this builder
         */
        public Builder duration(java.time.Duration value) {
            this.duration = value;
            return this;
        }

        /**
         * @param value the SHA-256 of the published file, lower-case hex, once completed
         * @return this builder
         */
        public Builder sha256(String value) {
            this.sha256 = value;
            return this;
        }

        /**
         * @param value why the job failed or was cancelled
         * @return this builder
         */
        public Builder errorMessage(String value) {
            this.errorMessage = value;
            return this;
        }

        /**
         * @param value when the job was submitted
         * @return this builder
         */
        public Builder createdAt(Instant value) {
            this.createdAt = value;
            return this;
        }

        /**
         * @param value when a worker started it
         * @return this builder
         */
        public Builder startedAt(Instant value) {
            this.startedAt = value;
            return this;
        }

        /**
         * @param value when it finished (completed, failed or cancelled)
         * @return this builder
         */
        public Builder completedAt(Instant value) {
            this.completedAt = value;
            return this;
        }

        /**
         * @param value when the job record was last written; running jobs refresh it as a heartbeat
         * @return this builder
         */
        public Builder updatedAt(Instant value) {
            this.updatedAt = value;
            return this;
        }

        /**
         * @param value the user the job belongs to
         * @return this builder
         */
        public Builder owner(String value) {
            this.owner = value;
            return this;
        }

        /**
         * @param value where the outcome is mailed
         * @return this builder
         */
        public Builder notificationEmail(String value) {
            this.notificationEmail = value;
            return this;
        }

        /**
         * @param value whether a notification was delivered
         * @return this builder
         */
        public Builder notificationSent(boolean value) {
            this.notificationSent = value;
            return this;
        }

        /**
         * @param value visible degradations of the output (truncated cells, rows cut at the limit)
         * @return this builder
         */
        public Builder warnings(List<String> value) {
            this.warnings = new ArrayList<>(value);
            return this;
        }

        /**
         * @param value the filters applied, as text, for display
         * @return this builder
         */
        public Builder filters(Map<String, String> value) {
            this.filters = value;
            return this;
        }

        /**
         * @param value why the last notification failed, or {@code null}
         * @return this builder
         */
        public Builder notificationError(String value) {
            this.notificationError = value;
            return this;
        }

        /**
         * @param value where maintenance moved the file (ARCHIVED jobs)
         * @return this builder
         */
        public Builder archivePath(String value) {
            this.archivePath = value;
            return this;
        }

        /**
         * @param warning a warning to append
         * @return this builder
         */
        public Builder addWarning(String warning) {
            this.warnings.add(warning);
            return this;
        }

        /**
         * @return the job record
         * @throws NullPointerException when a required value is missing
         */
        public ExportJob build() {
            return new ExportJob(this);
        }
    }
}
