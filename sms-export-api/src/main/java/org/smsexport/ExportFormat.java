package org.smsexport;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A file format an {@link org.smsexport.spi.Exporter} writes.
 *
 * @param id        the format id used in requests, lower case ({@code "csv"}, {@code "xlsx"}, {@code "pdf"})
 * @param extension the file extension without the dot ({@code "csv"})
 * @param mediaType the media type for downloads ({@code "text/csv; charset=utf-8"})
 */
public record ExportFormat(String id, String extension, String mediaType) {

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    /** Validates the id and the extension. */
    public ExportFormat {
        Objects.requireNonNull(mediaType, "mediaType");
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Format id '" + id + "' is invalid: use lower case letters, digits, '-' or '_'");
        }
        if (extension == null || !ID.matcher(extension).matches()) {
            throw new IllegalArgumentException("Extension '" + extension + "' is invalid: use lower case letters and digits, no dot");
        }
    }
}
