package org.smsexport.spi;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.smsexport.ExportJob;

/**
 * A finished job, as told to {@link Notifier}s. Made with {@link #builder(ExportJob)}, so it can grow without breaking
 * the notifiers that read it or the tests that make one. Immutable and thread-safe.
 */
public final class ExportEvent {

    /** Receives the outcome of a notification, possibly later and on another thread. */
    @FunctionalInterface
    public interface NotificationReport {
        /** Ignores every report. */
        NotificationReport IGNORE = (sent, error) -> { };

        /**
         * @param sent  whether the message was delivered
         * @param error why not, when it was not
         */
        void notificationResult(boolean sent, Optional<String> error);
    }

    private final ExportJob job;
    private final Path file;
    private final String downloadUrl;
    private final Instant linkExpiresAt;
    private final Locale locale;
    private final java.time.ZoneId zone;
    private final NotificationReport report;
    private final boolean encrypted;

    private ExportEvent(Builder b) {
        this.job = b.job;
        this.file = b.file;
        this.downloadUrl = b.downloadUrl;
        this.linkExpiresAt = b.linkExpiresAt;
        this.locale = b.locale;
        this.zone = b.zone;
        this.report = b.report;
        this.encrypted = b.encrypted;
    }

    /**
     * @param job the final job record (COMPLETED, FAILED or CANCELLED)
     * @return a builder of the event of that job: no file, no link, English, its outcome ignored, not encrypted
     */
    public static Builder builder(ExportJob job) {
        return new Builder(job);
    }

    /** @return the final job record (COMPLETED, FAILED or CANCELLED) */
    public ExportJob job() {
        return job;
    }

    /** @return the published file, when completed (and kept on this machine's disk) */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** @return a signed, expiring link to the file, when the host configured a base URL */
    public Optional<String> downloadUrl() {
        return Optional.ofNullable(downloadUrl);
    }

    /** @return when the link stops working */
    public Optional<Instant> linkExpiresAt() {
        return Optional.ofNullable(linkExpiresAt);
    }

    /** @return the language the requester reads */
    public Locale locale() {
        return locale;
    }

    /** @return the time zone the export was written in, for the times a notification shows; UTC unless set */
    public java.time.ZoneId zone() {
        return zone;
    }

    /**
     * @return where a notifier reports whether its message got through; the engine records it on the job
     *         ({@code notificationSent}, {@code notificationError})
     */
    public NotificationReport report() {
        return report;
    }

    /**
     * @return whether the file is encrypted with a password the request gave (a notifier says so, and never has the
     *         password)
     */
    public boolean encrypted() {
        return encrypted;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExportEvent e && job.equals(e.job) && Objects.equals(file, e.file) && Objects.equals(downloadUrl, e.downloadUrl)
                && Objects.equals(linkExpiresAt, e.linkExpiresAt) && locale.equals(e.locale) && report.equals(e.report)
                && encrypted == e.encrypted;
    }

    @Override
    public int hashCode() {
        return Objects.hash(job, file, downloadUrl, linkExpiresAt, locale, encrypted);
    }

    @Override
    public String toString() {
        return "ExportEvent[" + job + ", file=" + (file != null) + ", link=" + (downloadUrl != null) + ", " + locale.toLanguageTag()
                + (encrypted ? ", encrypted" : "") + "]";
    }

    /** Builds an {@link ExportEvent}. Not thread-safe. */
    public static final class Builder {
        private final ExportJob job;
        private Path file;
        private String downloadUrl;
        private Instant linkExpiresAt;
        private Locale locale = Locale.ENGLISH;
        private java.time.ZoneId zone = java.time.ZoneOffset.UTC;
        private NotificationReport report = NotificationReport.IGNORE;
        private boolean encrypted;

        private Builder(ExportJob job) {
            this.job = Objects.requireNonNull(job, "job");
        }

        /**
         * @param value the published file
         * @return this builder
         */
        public Builder file(Path value) {
            this.file = Objects.requireNonNull(value, "file");
            return this;
        }

        /**
         * @param url       a signed, expiring link to the file
         * @param expiresAt when it stops working
         * @return this builder
         */
        public Builder downloadUrl(String url, Instant expiresAt) {
            this.downloadUrl = Objects.requireNonNull(url, "url");
            this.linkExpiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
            return this;
        }

        /**
         * @param url a signed link to the file whose expiry is not known here
         * @return this builder
         */
        public Builder downloadUrl(String url) {
            this.downloadUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * @param value the language the requester reads
         * @return this builder
         */
        public Builder locale(Locale value) {
            this.locale = Objects.requireNonNull(value, "locale");
            return this;
        }

        /**
         * @param value the time zone the export was written in
         * @return this builder
         */
        public Builder zone(java.time.ZoneId value) {
            this.zone = Objects.requireNonNull(value, "zone");
            return this;
        }

        /**
         * @param value where the notification's outcome goes
         * @return this builder
         */
        public Builder report(NotificationReport value) {
            this.report = Objects.requireNonNull(value, "report");
            return this;
        }

        /**
         * @param value whether the file is encrypted with a password the request gave
         * @return this builder
         */
        public Builder encrypted(boolean value) {
            this.encrypted = value;
            return this;
        }

        /** @return the event */
        public ExportEvent build() {
            return new ExportEvent(this);
        }
    }
}
