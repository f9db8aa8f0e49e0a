package org.smsexport.spi;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.smsexport.Column;
import org.smsexport.ExportType;

/**
 * What an {@link Exporter} needs to know about the rows it writes: the columns in cursor order, their
 * localized labels, and what the report shows around them.
 *
 * @param type        the export type
 * @param columns     the columns, in the order of the cursor's values
 * @param labels      the localized header of each column, same order
 * @param title       the localized report title ("Student Export Report")
 * @param sheetName   the localized plural name ("Students")
 * @param locale      the reader's locale
 * @param zone        the time zone dates and times are written in
 * @param generatedAt when the export started
 * @param filters     the applied filters, as text, for reports that list them
 */
public record ExportSchema(ExportType type, List<Column> columns, List<String> labels, String title, String sheetName,
        Locale locale, ZoneId zone, Instant generatedAt, Map<String, String> filters) {

    /** Validates and copies. */
    public ExportSchema {
        Objects.requireNonNull(type, "type");
        columns = List.copyOf(columns);
        labels = List.copyOf(labels);
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(sheetName, "sheetName");
        Objects.requireNonNull(locale, "locale");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(generatedAt, "generatedAt");
        filters = Collections.unmodifiableMap(new TreeMap<>(filters));
        if (labels.size() != columns.size()) {
            throw new IllegalArgumentException("labels (" + labels.size() + ") and columns (" + columns.size() + ") differ in size");
        }
    }

    /**
     * The schema of every column of a type, with its labels in a locale.
     *
     * @param type        the export type
     * @param locale      the reader's locale
     * @param zone        the time zone
     * @param generatedAt when the export started
     * @param filters     the applied filters, as text
     * @return the schema
     */
    public static ExportSchema of(ExportType type, Locale locale, ZoneId zone, Instant generatedAt, Map<String, String> filters) {
        return new ExportSchema(type, type.columns(), type.columnLabels(locale), type.title(locale), type.label(locale),
                locale, zone, generatedAt, filters);
    }
}
