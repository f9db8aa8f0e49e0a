package org.smsexport.spi;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.smsexport.ExportJob;

/**
 * A finished job, as told to {@link Notifier}s.
 *
 * @param job           the final job record (COMPLETED, FAILED or CANCELLED)
 * @param file          the published file, when completed
 * @param downloadUrl   a signed, expiring link to the file, when the host configured a base URL
 * @param linkExpiresAt when the link stops working
 * @param locale        the language the requester reads
 * @param report        where a notifier reports whether its message got through; the engine records it on the job
 *                      ({@code notificationSent}, {@code notificationError})
 * @param encrypted     whether the file is encrypted with a password the request gave (a notifier says so, and never
 *                      has the password)
 */
public record ExportEvent(ExportJob job, Optional<Path> file, Optional<String> downloadUrl, Optional<Instant> linkExpiresAt,
        Locale locale, NotificationReport report, boolean encrypted) {

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

    /**
     * An event whose notification outcome is not recorded.
     *
     * @param job           the final job record
     * @param file          the published file, when completed
     * @param downloadUrl   a signed link, when there is one
     * @param linkExpiresAt when the link stops working
     * @param locale        the requester's language
     */
    public ExportEvent(ExportJob job, Optional<Path> file, Optional<String> downloadUrl, Optional<Instant> linkExpiresAt,
            Locale locale) {
        this(job, file, downloadUrl, linkExpiresAt, locale, NotificationReport.IGNORE, false);
    }

    /**
     * An event of a file that is not encrypted.
     *
     * @param job           the final job record
     * @param file          the published file, when completed
     * @param downloadUrl   a signed link, when there is one
     * @param linkExpiresAt when the link stops working
     * @param locale        the requester's language
     * @param report        where the notification's outcome goes
     */
    public ExportEvent(ExportJob job, Optional<Path> file, Optional<String> downloadUrl, Optional<Instant> linkExpiresAt,
            Locale locale, NotificationReport report) {
        this(job, file, downloadUrl, linkExpiresAt, locale, report, false);
    }

    /** Checks for nulls. */
    public ExportEvent {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(downloadUrl, "downloadUrl");
        Objects.requireNonNull(linkExpiresAt, "linkExpiresAt");
        Objects.requireNonNull(locale, "locale");
        Objects.requireNonNull(report, "report");
    }
}
