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
 */
public record ExportEvent(ExportJob job, Optional<Path> file, Optional<String> downloadUrl, Optional<Instant> linkExpiresAt,
        Locale locale) {

    /** Checks for nulls. */
    public ExportEvent {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(downloadUrl, "downloadUrl");
        Objects.requireNonNull(linkExpiresAt, "linkExpiresAt");
        Objects.requireNonNull(locale, "locale");
    }
}
